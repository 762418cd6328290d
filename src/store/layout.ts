// Where each pane goes for a terminal size. Pure, so the root lays out the screen and the key
// handler knows a pane's page size from the same numbers.
//
//   header (2 rows)
//   changes + history │ shutdown timeline        (top, ~40% of the rest)
//   logs │ inspector   (side by side when wide and the app has state; else one of them, as tabs)
//   footer (1 row)

export interface Layout {
	width: number;
	height: number;
	headerHeight: number;
	footerHeight: number;
	top: {height: number; leftWidth: number; rightWidth: number; changesHeight: number; historyHeight: number};
	bottom: {height: number; split: boolean; logsWidth: number; inspectorWidth: number};
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
}

export const computeLayout = (width: number, height: number, {inspector = true}: LayoutOptions = {}): Layout => {
	const headerHeight = 2;
	const footerHeight = 1;
	const available = Math.max(0, height - headerHeight - footerHeight);
	// On a very short terminal the logs matter most; the top section goes first.
	const topHeight = available < 12 ? 0 : clamp(Math.round(available * 0.4), 7, 14);
	const bottomHeight = available - topHeight;
	const leftWidth = clamp(Math.floor(width * 0.4), Math.min(36, width), 60);
	const changesHeight = Math.ceil(topHeight / 2);
	const split = inspector && width >= SPLIT_MIN_WIDTH;
	const inspectorWidth = split ? clamp(Math.floor(width * 0.38), 40, 70) : width;
	return {
		width,
		height,
		headerHeight,
		footerHeight,
		top: {height: topHeight, leftWidth, rightWidth: Math.max(0, width - leftWidth - 1), changesHeight, historyHeight: topHeight - changesHeight},
		bottom: {height: bottomHeight, split, logsWidth: split ? width - inspectorWidth - 1 : width, inspectorWidth},
	};
};

/** Columns a log line has in a log pane `width` wide: one goes to the stream's gutter. */
export const logTextWidth = (width: number): number => Math.max(1, width - 1);

/** Rows a pane shows below its title, for PgUp/PgDn. */
export const pageSize = (layout: Layout, pane: 'changes' | 'timeline' | 'logs' | 'inspector'): number => {
	switch (pane) {
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
