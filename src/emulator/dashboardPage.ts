/**
 * The dashboard page's files, served under `/_emulator/`.
 */
import type { DashboardAsset } from "./dashboard.js";

/** The page's files by path under `/_emulator/`. */
export const DASHBOARD_ASSETS: Readonly<Record<string, DashboardAsset>> = {};
