import type { z } from 'zod';
import * as backtest from './backtest';
import * as accounts from './accounts';
import * as capital from './capital';
import * as market from './market';
import * as research from './research';
import * as mt5 from './mt5';
import * as system from './system';
import * as trading from './trading';
import * as signals from './signals';
import * as paperTrading from './paper-trading';
import * as customStrategies from './custom-strategies';
import * as identity from './identity';
import * as exports from './exports';
import * as market7System from './market7-system';
import type { Caller } from './access';
import type { Procedure } from './procedure';

/**
 * THE procedure table. Every transport (direct call, HTTP, Electron IPC) and the OpenAPI document
 * is derived from it; adding a capability starts here.
 */
export const procedures = {
  'system.health': system.health,
  'system.rotateApiToken': system.rotateApiToken,
  'capital.createPortfolio': capital.createPortfolio,
  'capital.listPortfolios': capital.listPortfolios,
  'capital.allocateStrategy': capital.allocateStrategy,
  'capital.allocatePairs': capital.allocatePairs,
  'capital.addPairs': capital.addPairs,
  'capital.getDashboard': capital.getDashboard,
  'capital.getRiskStatus': capital.getRiskStatus,
  'capital.resetPortfolio': capital.resetPortfolio,
  'session.create': trading.createSession,
  'session.status': trading.sessionStatus,
  'session.addPair': trading.addSessionPair,
  'session.removePair': trading.removeSessionPair,
  'session.addTimeframe': trading.addSessionTimeframe,
  'session.setStrategy': trading.setSessionStrategy,
  'session.active': trading.activeSessions,
  'trading.availablePairs': trading.availablePairs,
  'trading.availableTimeframes': trading.availableTimeframes,
  'trading.availableStrategies': trading.availableStrategies,
  'trading.start': trading.startTask,
  'trading.stop': trading.stopTask,
  'trading.tasks': trading.sessionTasks,
  'trading.marketData': trading.marketData,
  'trading.positions': trading.positions,
  'trading.orders': trading.orders,
  'trading.trades': trading.trades,
  'trading.events': trading.events,
  'trading.placeOrder': trading.placeOrder,
  'trading.closePosition': trading.closePosition,
  'market.candles': trading.candles,
  'market.feedSettings': trading.feedSettings,
  'market.overlays': market.overlays,
  'recovery.userSessions': trading.userSessions,
  'recovery.sessionTasks': trading.sessionTasksFromDb,
  'recovery.recoverSession': trading.recoverSession,
  'recovery.autoRecover': trading.autoRecover,
  'customStrategies.create': customStrategies.createCustomStrategy,
  'customStrategies.list': customStrategies.listCustomStrategies,
  'customStrategies.get': customStrategies.getCustomStrategy,
  'customStrategies.update': customStrategies.updateCustomStrategy,
  'customStrategies.delete': customStrategies.deleteCustomStrategy,
  'customStrategies.use': customStrategies.useCustomStrategy,
  'mt5.connect': mt5.connect,
  'mt5.disconnect': mt5.disconnect,
  'mt5.status': mt5.status,
  'mt5.symbols': mt5.symbols,
  'mt5.accountInfo': mt5.accountInfo,
  'mt5.terminals': mt5.terminals,
  'mt5.allowTerminals': mt5.allowTerminals,
  'accounts.create': accounts.createAccount,
  'accounts.list': accounts.listAccounts,
  'accounts.get': accounts.getAccount,
  'accounts.updateCredentials': accounts.updateAccountCredentials,
  'accounts.syncBalance': accounts.syncAccountBalance,
  'accounts.performance': accounts.accountPerformance,
  'accounts.delete': accounts.deleteAccount,
  'accounts.assignGroup': accounts.assignAccountGroup,
  'backtest.create': backtest.createBacktest,
  'backtest.get': backtest.getBacktest,
  'backtest.list': backtest.listBacktests,
  'backtest.delete': backtest.deleteBacktest,
  'backtest.cancel': backtest.cancelBacktest,
  'signals.list': signals.listSignals,
  'signals.get': signals.getSignal,
  'signals.create': signals.createSignal,
  'paperTrading.enable': paperTrading.enablePaperTrading,
  'paperTrading.disable': paperTrading.disablePaperTrading,
  'paperTrading.performance': paperTrading.paperPerformance,
  'paperTrading.positions': paperTrading.paperPositions,
  'paperTrading.history': paperTrading.paperHistory,
  'paperTrading.closePosition': paperTrading.closePaperPosition,
  'optimization.create': research.optimization.create,
  'optimization.get': research.optimization.get,
  'optimization.list': research.optimization.list,
  'optimization.delete': research.optimization.delete,
  'optimization.cancel': research.optimization.cancel,
  'walkforward.create': research.walkForward.create,
  'walkforward.get': research.walkForward.get,
  'walkforward.list': research.walkForward.list,
  'walkforward.delete': research.walkForward.delete,
  'walkforward.cancel': research.walkForward.cancel,
  'montecarlo.create': research.monteCarlo.create,
  'montecarlo.get': research.monteCarlo.get,
  'montecarlo.list': research.monteCarlo.list,
  'montecarlo.delete': research.monteCarlo.delete,
  'montecarlo.cancel': research.monteCarlo.cancel,
  'auth.register': identity.register,
  'auth.login': identity.login,
  'auth.refresh': identity.refresh,
  'auth.logout': identity.logout,
  'auth.me': identity.me,
  'auth.permissions': identity.permissions,
  'auth.passwordReset': identity.requestPasswordReset,
  'auth.passwordResetComplete': identity.completePasswordReset,
  'auth.sessions': identity.sessions,
  'auth.terminateSession': identity.terminateSession,
  'user.me': identity.profile,
  'user.requestUpgrade': identity.requestUpgrade,
  'admin.upgradeQueue': identity.upgradeQueue,
  'admin.executeUpgrade': identity.executeUpgrade,
  'identity.users': identity.listUsers,
  'identity.createUser': identity.createUser,
  'identity.setRole': identity.setUserRole,
  'identity.apiKeys': identity.listApiKeys,
  'identity.createApiKey': identity.createApiKey,
  'identity.revokeApiKey': identity.revokeApiKey,
  'identity.pendingResets': identity.pendingResets,
  'export.trades': exports.exportTrades,
  'export.backtestTrades': exports.exportBacktestTrades,
  'export.journal': exports.exportJournal,
  'market7.health': market7System.health,
  'market7.status': market7System.status,
  'metrics.all': market7System.metrics,
  'metrics.trading': market7System.tradingMetrics,
  'metrics.ml': market7System.mlMetrics,
  'metrics.system': market7System.systemMetrics,
} as const satisfies Record<string, Procedure>;

export type Procedures = typeof procedures;
export type ProcedureName = keyof Procedures;
/** What a caller may send (defaults not yet applied). */
export type InputOf<N extends ProcedureName> = z.input<Procedures[N]['input']>;
/** What a handler receives (validated, defaults applied). */
export type ParsedInputOf<N extends ProcedureName> = z.output<Procedures[N]['input']>;
export type OutputOf<N extends ProcedureName> = z.output<Procedures[N]['output']>;

/**
 * The one implementation of the contract, provided by core/api. Every handler also receives the caller (who, from
 * where; absent on an in-process direct call, which is the owner); most ignore it — the procedure's permission was checked before the handler runs (permissions.ts).
 */
export type Handlers = {
  [N in ProcedureName]: (input: ParsedInputOf<N>, caller?: Caller) => OutputOf<N> | Promise<OutputOf<N>>;
};

export const procedureNames = Object.keys(procedures) as ProcedureName[];

export function isProcedureName(name: unknown): name is ProcedureName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(procedures, name);
}

export * from './errors';
export type { Caller, Principal, Role, Permission, RequiredPermission } from './access';
export type { Procedure, HttpRoute, HttpMethod, EnvelopeKind } from './procedure';
