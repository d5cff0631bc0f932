import { describe, expect, it } from 'vitest';
import { LineDecoder } from './bridge-server';
import { SeqGate } from './seq-gate';

type M = { type: string; seq: number };
const snap = (seq: number): M => ({ type: 'snapshot', seq });
const upd = (seq: number): M => ({ type: 'bar', seq });

function gate(options = { gapTimeoutMs: 20, maxBuffered: 4 }) {
  const applied: M[] = [];
  const resyncs: string[] = [];
  const g = new SeqGate<M>((m) => applied.push(m), (why) => resyncs.push(why), options);
  return { g, applied, resyncs, seqs: () => applied.map((m) => `${m.type === 'snapshot' ? 's' : ''}${m.seq}`) };
}

describe('SeqGate', () => {
  it('applies in order, drops duplicates, puts reordered messages back in order', () => {
    const { g, seqs } = gate();
    for (const m of [snap(1), upd(2), upd(2), upd(4), upd(3), upd(3), upd(1), upd(5)]) g.push(m);
    expect(seqs()).toEqual(['s1', '2', '3', '4', '5']);
    expect(g.duplicates).toBe(3);
    expect(g.reordered).toBe(1);
  });

  it('holds updates that arrive before the link’s snapshot', () => {
    const { g, seqs } = gate();
    g.push(upd(3));
    g.push(upd(2));
    expect(seqs()).toEqual([]);
    g.push(snap(1));
    expect(seqs()).toEqual(['s1', '2', '3']);
  });

  it('asks for a resync when a gap stays open, once, and a newer snapshot closes it', async () => {
    const { g, seqs, resyncs } = gate();
    g.push(snap(1));
    g.push(upd(3));
    g.push(upd(4));
    await new Promise((r) => setTimeout(r, 50));
    expect(resyncs).toEqual(['seq 2 missing for 20 ms']);
    g.push(upd(6));
    g.push(snap(5));
    expect(seqs()).toEqual(['s1', 's5', '6']);
    expect(resyncs).toHaveLength(1);
  });

  it('asks for a resync at once when too many wait', () => {
    const { g, resyncs } = gate();
    g.push(snap(1));
    for (let seq = 3; seq <= 8; seq++) g.push(upd(seq));
    expect(resyncs).toHaveLength(1);
    g.dispose();
  });

  it('starts over on a new link', () => {
    const { g, seqs } = gate();
    g.push(snap(1));
    g.push(upd(2));
    g.reset();
    g.push(snap(1));
    expect(seqs()).toEqual(['s1', '2', 's1']);
  });
});

describe('LineDecoder', () => {
  it('splits lines across chunks, drops \\r and empty lines, keeps multi-byte characters whole', () => {
    const d = new LineDecoder(1024);
    const text = Buffer.from('{"a":"€"}\r\n\n{"b":1}\n{"c"', 'utf8');
    const cut = text.indexOf(0xe2) + 1; // inside the euro sign
    expect([...d.push(text.subarray(0, cut)), ...d.push(text.subarray(cut))]).toEqual(['{"a":"€"}', '{"b":1}']);
    expect(d.push(Buffer.from(':2}\n'))).toEqual(['{"c":2}']);
  });

  it('refuses a line longer than the limit', () => {
    const d = new LineDecoder(16);
    expect(() => d.push(Buffer.from('x'.repeat(20)))).toThrow(/limit/);
  });
});
