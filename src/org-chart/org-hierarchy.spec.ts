import {
  buildForest,
  chainOfCommand,
  checkManagerChange,
  heightOf,
  ORG_MAX_DEPTH,
  OrgNode,
  reportsOf,
} from './org-hierarchy';

// ceo ← cto ← dev1, dev2 ; ceo ← cmo ; intern (root)
const org: OrgNode[] = [
  { id: 'ceo', managerId: null },
  { id: 'cto', managerId: 'ceo' },
  { id: 'dev1', managerId: 'cto' },
  { id: 'dev2', managerId: 'cto' },
  { id: 'cmo', managerId: 'ceo' },
  { id: 'intern', managerId: null },
];

/** A chain n0 ← n1 ← ... ← n(length-1). */
function chain(length: number): OrgNode[] {
  return Array.from({ length }, (_, i) => ({
    id: `n${i}`,
    managerId: i === 0 ? null : `n${i - 1}`,
  }));
}

describe('org hierarchy', () => {
  describe('checkManagerChange', () => {
    it('accepts a move under a peer subtree', () => {
      expect(checkManagerChange(org, 'cmo', 'cto')).toEqual({ ok: true });
    });

    it('accepts becoming a root', () => {
      expect(checkManagerChange(org, 'cto', null)).toEqual({ ok: true });
    });

    it('refuses a VE as its own manager', () => {
      expect(checkManagerChange(org, 'cto', 'cto')).toMatchObject({ ok: false, reason: 'self' });
    });

    it('refuses a manager below the VE (direct report): a cycle', () => {
      expect(checkManagerChange(org, 'cto', 'dev1')).toMatchObject({ ok: false, reason: 'cycle' });
    });

    it('refuses a manager below the VE (indirect report): a cycle', () => {
      expect(checkManagerChange(org, 'ceo', 'dev2')).toMatchObject({ ok: false, reason: 'cycle' });
    });

    it('refuses an unknown manager', () => {
      expect(checkManagerChange(org, 'cto', 'ghost')).toMatchObject({
        ok: false,
        reason: 'unknown-manager',
      });
    });

    it(`allows exactly ${ORG_MAX_DEPTH} levels for a new VE and refuses one more`, () => {
      expect(checkManagerChange(chain(ORG_MAX_DEPTH - 1), null, `n${ORG_MAX_DEPTH - 2}`)).toEqual({
        ok: true,
      });
      expect(checkManagerChange(chain(ORG_MAX_DEPTH), null, `n${ORG_MAX_DEPTH - 1}`)).toMatchObject(
        {
          ok: false,
          reason: 'depth',
        },
      );
    });

    it('counts the moved subtree in the depth', () => {
      // A 3-level subtree (cto → dev) moved under the bottom of an 8-level chain makes 11 levels.
      const nodes = [...chain(8), ...org];
      expect(checkManagerChange(nodes, 'ceo', 'n7')).toMatchObject({ ok: false, reason: 'depth' });
      expect(checkManagerChange(nodes, 'ceo', 'n6')).toEqual({ ok: true });
    });

    it('terminates on data that already holds a loop', () => {
      const loop: OrgNode[] = [
        { id: 'a', managerId: 'b' },
        { id: 'b', managerId: 'a' },
        { id: 'c', managerId: null },
      ];
      expect(checkManagerChange(loop, 'c', 'a')).toEqual({ ok: true });
      expect(checkManagerChange(loop, 'a', 'b')).toMatchObject({ ok: false, reason: 'cycle' });
    });
  });

  it('lists the chain of command nearest first', () => {
    expect(chainOfCommand(org, 'dev1')).toEqual(['cto', 'ceo']);
    expect(chainOfCommand(org, 'ceo')).toEqual([]);
  });

  it('finds direct and indirect reports', () => {
    expect([...reportsOf(org, 'ceo')].sort()).toEqual(['cmo', 'cto', 'dev1', 'dev2']);
    expect([...reportsOf(org, 'dev1')]).toEqual([]);
  });

  it('measures subtree height', () => {
    expect(heightOf(org, 'ceo')).toBe(3);
    expect(heightOf(org, 'dev1')).toBe(1);
  });

  it('builds the forest with every VE exactly once', () => {
    const forest = buildForest(org);
    expect(forest.map((r) => r.ve.id)).toEqual(['ceo', 'intern']);
    const cto = forest[0]!.reports.find((r) => r.ve.id === 'cto')!;
    expect(cto.reports.map((r) => r.ve.id)).toEqual(['dev1', 'dev2']);
    const loop = buildForest([
      { id: 'a', managerId: 'b' },
      { id: 'b', managerId: 'a' },
    ]);
    const count = (nodes: typeof loop): number =>
      nodes.reduce((s, n) => s + 1 + count(n.reports), 0);
    expect(count(loop)).toBe(2);
  });
});
