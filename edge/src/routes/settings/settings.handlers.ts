/**
 * Budget control settings: read and change, through db's settings service. A person limited to
 * departments reads the overrides of their departments (and those of no department) only.
 */
import { type ControlSettingsPatch, getSettings as readSettings, settingsAsSeenBy, updateSettings } from '@budget-sync/db';
import { departmentsOf } from '../../middleware/auth.ts';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import type { GetSettingsRoute, PutSettingsRoute } from './settings.routes.ts';

export const getSettings: AppRouteHandler<GetSettingsRoute> = async (c) => {
  const db = await c.var.database();
  return c.json(settingsAsSeenBy(await readSettings(db.pool, c.var.auth.orgId), departmentsOf(c.var.auth)), 200);
};

export const putSettings: AppRouteHandler<PutSettingsRoute> = async (c) => {
  const body = c.req.valid('json');
  const { overrides, ...rest } = body;
  const patch: ControlSettingsPatch = { ...rest };
  if (overrides !== undefined) {
    patch.overrides = overrides.map((o) => ({
      department: o.department ?? null,
      category: o.category ?? null,
      controlLevel: o.controlLevel ?? null,
      tolerancePercent: o.tolerancePercent ?? null,
      toleranceAmount: o.toleranceAmount ?? null,
    }));
  }
  const db = await c.var.database();
  return c.json(await updateSettings(db.pool, c.var.auth.orgId, patch, c.var.auth.name), 200);
};
