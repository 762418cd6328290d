// Where each pane goes for a terminal size. Pure, so the root lays out the screen and the key
// handler knows a pane's page size from the same numbers.
//
//   header (2 rows)
//   changes + history │ shutdown timeline        (top, ~40% of the rest)
//   logs │ inspector   (side by side when wide and the app has state; else one of them, as tabs)
//   footer (1 row)
//
// A stack of several services adds the services pane, one row per service, at the top of the left
// column; changes and history share what is left of it, and give way first (the services and the
// logs matter most on a small terminal). A pane with no room of its own takes the services pane's
// place while it has the focus, as the inspector takes the logs' on a narrow terminal.

import type {PaneId} from './state.js';

export interface Layout {
	width: number;
	height: number;
	headerHeight: number;
	footerHeight: number;
	top: {height: number; leftWidth: number; rightWidth: number; changesHeight: number; historyHeight: number};
	/** `prefix`: columns of each log row that the service's name takes (a stack's merged log). */
	bottom: {height: number; split: boolean; logsWidth: number; inspectorWidth: number; prefix?: number};
	/** A stack's services pane, at the top of the left column (`top.leftWidth` wide); absent for one app. */
	services?: {height: number};
}

const clamp = (value: number, low: number, high: number): number => Math.max(low, Math.min(high, value));

/** Below this width, logs and inspector share the bottom area as tabs. */
export const SPLIT_MIN_WIDTH = 110;

export interface LayoutOptions {
	/**
	 * The app has state to inspect. Without it the logs take the whole width (the inspector is
	 * still a tab away): an empty state pane would take 40-odd columns from every log line.
	 * @default true
	 */
	inspector?: boolean;
	/** How many services the stack has; with more than one the services pane is laid out. @default 1 */
	services?: number;
	/** Columns the log's service prefix takes (stack-view.ts's logPrefixWidth). @default 0 */
	logPrefix?: number;
	/** The focused pane: changes or history without room of their own take the services pane's place. */
	focus?: PaneId;
}

/** The logs keep at least this many rows when the services pane grows the top section. */
const STACK_MIN_LOG_ROWS = 8;

const stackTop = (topHeight: number, available: number, services: number, focus: PaneId | undefined) => {
	const height = topHeight === 0 ? 0 : clamp(Math.max(topHeight, services + 1), 0, Math.max(topHeight, available - STACK_MIN_LOG_ROWS));
	const servicesHeight = Math.min(services + 1, height);
	const rest = height - servicesHeight;
	const changesHeight = rest >= 6 ? Math.ceil(rest / 2) : rest >= 2 ? rest : 0;
	const historyHeight = rest - changesHeight;
	const crowdedOut = (focus === 'changes' && changesHeight === 0) || (focus === 'timeline' && historyHeight === 0);
	if (!crowdedOut) return {height, servicesHeight, changesHeight, historyHeight};
	return {height, servicesHeight: 0, changesHeight: Math.ceil(height / 2), historyHeight: height - Math.ceil(height / 2)};
};

export const computeLayout = (width: number, height: number, {inspector = true, services = 1, focus, logPrefix = 0}: LayoutOptions = {}): Layout => {
	const headerHeight = 2;
	const footerHeight = 1;
	const available = Math.max(0, height - headerHeight - footerHeight);
	// On a very short terminal the logs matter most; the top section goes first.
	const appTop = available < 12 ? 0 : clamp(Math.round(available * 0.4), 7, 14);
	const stack = services > 1 ? stackTop(appTop, available, services, focus) : undefined;
	const topHeight = stack?.height ?? appTop;
	const bottomHeight = available - topHeight;
	const leftWidth = clamp(Math.floor(width * 0.4), Math.min(36, width), 60);
	const changesHeight = stack?.changesHeight ?? Math.ceil(topHeight / 2);
	const historyHeight = stack?.historyHeight ?? topHeight - changesHeight;
	const split = inspector && width >= SPLIT_MIN_WIDTH;
	const inspectorWidth = split ? clamp(Math.floor(width * 0.38), 40, 70) : width;
	return {
		width,
		height,
		headerHeight,
		footerHeight,
		top: {height: topHeight, leftWidth, rightWidth: Math.max(0, width - leftWidth - 1), changesHeight, historyHeight},
		bottom: {height: bottomHeight, split, logsWidth: split ? width - inspectorWidth - 1 : width, inspectorWidth, ...(logPrefix > 0 ? {prefix: logPrefix} : {})},
		...(stack ? {services: {height: stack.servicesHeight}} : {}),
	};
};

/** Columns a log line has in a log pane `width` wide: one goes to the stream's gutter. */
export const logTextWidth = (width: number): number => Math.max(1, width - 1);

/** Columns a log line has in the layout's log pane: the gutter and any service prefix go first. */
export const logRowWidth = (layout: Layout): number => Math.max(1, logTextWidth(layout.bottom.logsWidth) - (layout.bottom.prefix ?? 0));

/** Rows a pane shows below its title, for PgUp/PgDn. */
export const pageSize = (layout: Layout, pane: PaneId): number => {
	switch (pane) {
		case 'services':
			return Math.max(1, (layout.services?.height ?? 0) - 1);
		case 'changes':
			return Math.max(1, layout.top.changesHeight - 1);
		case 'timeline':
			return Math.max(1, layout.top.historyHeight - 2);
		default:
			return Math.max(1, layout.bottom.height - 1);
	}
};

/** First row of a window of `height` rows that keeps the cursor in the middle where it can. */
export const windowStart = (cursor: number, count: number, height: number): number =>
	Math.max(0, Math.min(cursor - Math.floor(height / 2), count - height));
