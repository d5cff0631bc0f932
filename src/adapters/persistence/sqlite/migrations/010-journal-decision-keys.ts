/**
 * Decision keys on the order journal: (task, bar, intent) of the strategy decision an order carries out. Unique, so
 * the same decision can never be journaled — and so never sent — under two client order ids (a re-decided bar after
 * a crash is refused before it reaches the broker). Manual orders have none.
 */
export const journalDecisionKeysMigration = {
  version: 10,
  name: 'order journal decision keys',
  sql: `
    ALTER TABLE order_journal ADD COLUMN decision_key TEXT;
    CREATE UNIQUE INDEX order_journal_one_per_decision ON order_journal(decision_key) WHERE decision_key IS NOT NULL;
  `,
};
