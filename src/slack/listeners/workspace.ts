/** Reads which workspace (team and Enterprise Grid org) a request comes from, across payload shapes. */
import type { Workspace } from '../../domain/session.ts';

interface Shape {
  team_id?: string | null;
  enterprise_id?: string | null;
  team?: { id?: string | null; enterprise_id?: string | null } | null;
  user?: { team_id?: string | null } | null;
  enterprise?: { id?: string | null } | null;
}

export function workspaceOf(body: unknown): Workspace {
  const b = (body ?? {}) as Shape;
  return {
    teamId: b.team_id ?? b.team?.id ?? b.user?.team_id ?? '',
    enterpriseId: b.enterprise_id ?? b.team?.enterprise_id ?? b.enterprise?.id ?? '',
  };
}
