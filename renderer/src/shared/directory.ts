/** Units as a tree (tỉnh → huyện → xã, and sở/ban), their bridge points, and look-ups by id. */
import type { Account, BridgePoint, Unit, UnitLevel } from '../../../common/api/model';

export interface UnitNode {
  unit: Unit;
  children: UnitNode[];
  points: BridgePoint[];
}

const LEVEL_ORDER: Record<UnitLevel, number> = { province: 0, department: 1, district: 2, commune: 3 };

/** Levels a new unit may have under a parent of this level (null: at the top). */
export function childLevels(parent: UnitLevel | null): UnitLevel[] {
  switch (parent) {
    case null:
      return ['province', 'department'];
    case 'province':
      return ['district', 'department'];
    case 'district':
      return ['commune', 'department'];
    case 'commune':
    case 'department':
      return [];
  }
}

export function buildUnitTree(units: readonly Unit[], points: readonly BridgePoint[] = []): UnitNode[] {
  const byId = new Map<string, UnitNode>();
  for (const unit of units) byId.set(unit.id, { unit, children: [], points: [] });
  for (const p of points) byId.get(p.unitId)?.points.push(p);
  const roots: UnitNode[] = [];
  for (const node of byId.values()) {
    const parent = node.unit.parentId ? byId.get(node.unit.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (nodes: UnitNode[]) => {
    nodes.sort((a, b) => LEVEL_ORDER[a.unit.level] - LEVEL_ORDER[b.unit.level] || a.unit.name.localeCompare(b.unit.name, 'vi'));
    for (const n of nodes) {
      n.points.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
      sort(n.children);
    }
  };
  sort(roots);
  return roots;
}

/** The node and every node below it. */
export function subtree(node: UnitNode): UnitNode[] {
  const out: UnitNode[] = [node];
  for (const c of node.children) out.push(...subtree(c));
  return out;
}

export function indexTree(roots: readonly UnitNode[]): Map<string, UnitNode> {
  const map = new Map<string, UnitNode>();
  for (const r of roots) for (const n of subtree(r)) map.set(n.unit.id, n);
  return map;
}

/** "UBND xã A · Huyện B · Tỉnh C": a unit with its ancestors, nearest first. */
export function unitPath(unitId: string | null, units: ReadonlyMap<string, Unit>): string {
  const names: string[] = [];
  let id = unitId;
  for (let guard = 0; id && guard < 20; guard++) {
    const u = units.get(id);
    if (!u) break;
    names.push(u.name);
    id = u.parentId;
  }
  return names.join(' · ');
}

export const byId = <T extends { id: string }>(items: readonly T[] | undefined): Map<string, T> => new Map((items ?? []).map((i) => [i.id, i]));

export const sortAccounts = (accounts: readonly Account[]): Account[] =>
  [...accounts].sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi'));

/** Units in tree order for a Select: "Huyện Ba Chẽ · Tỉnh Quảng Ninh". */
export function unitOptions(roots: readonly UnitNode[], units: ReadonlyMap<string, Unit>): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = [];
  const walk = (nodes: readonly UnitNode[]) => {
    for (const n of nodes) {
      out.push({ value: n.unit.id, label: unitPath(n.unit.id, units) });
      walk(n.children);
    }
  };
  walk(roots);
  return out;
}
