import {
  AuthenticationError,
  BadResponse,
  BadSymbol,
  DDoSProtection,
  ExchangeError,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NetworkError,
  NotSupported,
  OperationFailed,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
import { describe, expect, it } from 'vitest';
import { exchangeSays, isDuplicateClientOrderId, orderOutcomeOf, toDomainError } from './ccxt-errors';
import { closeExchangeMatches } from './ccxt-exchange';
import { exchangeClientOrderId } from './ccxt-execution-client';
import { decimalsOf, instrumentFromMarket, stepOf } from './ccxt-instrument';

const context = { exchange: 'Binance', action: 'place the order', secrets: ['s3cr3t-api-secret-value'] };

describe('ccxt errors → domain errors', () => {
  it.each([
    [new AuthenticationError('binance {"code":-1022,"msg":"Signature for this request is not valid."}'), 'EXCHANGE_AUTH_FAILED', /refused this account's API credentials .*Signature for this request is not valid\. \(code -1022\)/],
    [new InsufficientFunds('binance Account has insufficient balance for requested action.'), 'INSUFFICIENT_FUNDS', /not enough free balance/],
    [new InvalidOrder('binance {"code":-1013,"msg":"Filter failure: LOT_SIZE"}'), 'INVALID_ORDER', /minimum, step size/],
    [new BadSymbol('binance does not have market symbol FOO/BAR'), 'UNKNOWN_SYMBOL', /does not list that market/],
    [new RateLimitExceeded('binance {"code":-1003,"msg":"Too many requests"}'), 'RATE_LIMITED', /rate-limiting.*Nothing was done/],
    [new DDoSProtection('binance 429 Too Many Requests'), 'RATE_LIMITED', /rate-limiting/],
    [new RequestTimeout('binance POST https://api.binance.com/api/v3/order?signature=abc request timed out (10000 ms)'), 'EXCHANGE_UNAVAILABLE', /did not answer in time/],
    [new ExchangeNotAvailable('binance 503 Service Unavailable'), 'EXCHANGE_UNAVAILABLE', /not available right now/],
    [new NetworkError('binance GET https://api.binance.com/api/v3/account fetch failed: ECONNREFUSED'), 'EXCHANGE_UNAVAILABLE', /could not be reached/],
    [new OperationFailed('binance {"code":-1000,"msg":"An unknown error occured"}'), 'EXCHANGE_UNAVAILABLE', /failed to place the order on its side/],
    [new InvalidNonce('binance {"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'), 'EXCHANGE_ERROR', /clock/],
    [new NotSupported('kraken fetchOHLCV() is not supported yet'), 'NOT_SUPPORTED', /cannot place the order/],
    [new ExchangeError('binance {"code":-9999,"msg":"Something else"}'), 'EXCHANGE_ERROR', /Something else \(code -9999\)/],
  ])('%s', (error, code, message) => {
    const mapped = toDomainError(error, context);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
  });

  it('strips request query strings (signatures) and masks the account secrets', () => {
    const error = new NetworkError('binance GET https://api.binance.com/api/v3/account?timestamp=1&signature=deadbeef failed for s3cr3t-api-secret-value');
    const says = exchangeSays(error, context.secrets);
    expect(says).toBe('GET https://api.binance.com/api/v3/account failed for ••••');
  });

  it('treats only clear refusals of an order as rejected; everything else may have reached the exchange', () => {
    for (const refused of [new RateLimitExceeded('x'), new DDoSProtection('x'), new InvalidNonce('x'), new AuthenticationError('x'), new InsufficientFunds('x'), new InvalidOrder('x'), new BadSymbol('x')]) {
      expect(orderOutcomeOf(refused), refused.constructor.name).toBe('rejected');
    }
    for (const unknown of [new RequestTimeout('x'), new NetworkError('x'), new ExchangeNotAvailable('x'), new OperationFailed('x'), new BadResponse('x'), new ExchangeError('x'), new TypeError('x')]) {
      expect(orderOutcomeOf(unknown), unknown.constructor.name).toBe('unknown');
    }
    expect(isDuplicateClientOrderId(new InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}'))).toBe(true);
    expect(isDuplicateClientOrderId(new InvalidOrder('binance {"code":-2010,"msg":"Account has insufficient balance"}'))).toBe(false);
  });
});

describe('ccxt helpers', () => {
  it('suggests close exchange ids for a typo', () => {
    const ids = ['binance', 'binanceus', 'binancecoinm', 'bybit', 'kraken', 'krakenfutures', 'okx'];
    expect(closeExchangeMatches('binanse', ids)[0]).toBe('binance');
    expect(closeExchangeMatches('Kraken Futures', ids)).toContain('krakenfutures');
    expect(closeExchangeMatches('zzzzzzzz', ids)).toEqual([]);
  });

  it('keeps our client order id where the exchange allows it, else a stable short hash', () => {
    expect(exchangeClientOrderId('binance', 'E1-rx1-0')).toBe('E1-rx1-0');
    const okx = exchangeClientOrderId('okx', 'E1-rx1-0');
    expect(okx).toMatch(/^e[0-9a-f]{31}$/);
    expect(exchangeClientOrderId('okx', 'E1-rx1-0')).toBe(okx);
    expect(exchangeClientOrderId('okx', 'E1rx10')).toBe('E1rx10');
  });

  it('reads precision in both ccxt modes', () => {
    expect(stepOf(0.01, 4)).toBe(0.01);
    expect(stepOf(3, 2)).toBeCloseTo(0.001, 12);
    expect(stepOf(5, 3)).toBeUndefined();
    expect([0.01, 0.00001, 1, 0.5, 0.25].map(decimalsOf)).toEqual([2, 5, 0, 1, 2]);
    const instrument = instrumentFromMarket(
      { symbol: 'ETH/USDT:USDT', base: 'ETH', quote: 'USDT', precision: { price: 2, amount: 3 }, limits: { amount: { min: 0.001, max: 5000 } }, contractSize: 0.1 } as never,
      2,
    );
    expect(instrument).toMatchObject({ digits: 2, point: 0.01, lotStep: 0.001, minLot: 0.001, maxLot: 5000, contractSize: 0.1 });
  });
});
