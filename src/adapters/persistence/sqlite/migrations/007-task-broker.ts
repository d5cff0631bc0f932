/** Trading tasks name the broker they trade on: 'paper', 'mt5' or 'ccxt:<account id>'. */
export const taskBrokerMigration = {
  version: 7,
  name: 'broker of a trading task',
  sql: `ALTER TABLE trading_tasks ADD COLUMN broker TEXT NOT NULL DEFAULT 'paper';`,
};
