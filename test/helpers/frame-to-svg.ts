// Turns an ANSI frame (as Ink writes it, colours on) into an SVG picture of a terminal window.
// The frame goes through @xterm/headless, so what is drawn is what a terminal would show: wide
// characters, cursor moves and SGR state are the terminal's business, not a hand-written parser's.
// The output depends only on the frame and the options, so regenerating gives identical files.

import xterm from '@xterm/headless';
import type {IBufferCell} from '@xterm/headless';

export interface SvgTheme {
	background: string;
	foreground: string;
	titleBar: string;
	titleText: string;
	/** The 16 ANSI colours: black, red, green, yellow, blue, magenta, cyan, white, then the bright ones. */
	ansi: readonly string[];
}

/** VS Code's dark terminal colours: a familiar palette that reads well on a dark background. */
export const DARK_THEME: SvgTheme = {
	background: '#1e1e1e',
	foreground: '#cccccc',
	titleBar: '#323233',
	titleText: '#a0a0a0',
	ansi: [
		'#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
		'#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff',
	],
};

export interface SvgOptions {
	columns: number;
	/** @default the number of lines in the frame */
	rows?: number;
	/** Shown in the window's title bar. @default 'devtui' */
	title?: string;
	theme?: SvgTheme;
}

export interface CellStyle {
	fg: string;
	/** Undefined: the terminal's background. */
	bg?: string;
	bold: boolean;
	dim: boolean;
	italic: boolean;
	underline: boolean;
	strike: boolean;
}

/** Cells of one row that share a style: `column` and `width` count terminal cells. */
export interface Run {
	column: number;
	width: number;
	text: string;
	style: CellStyle;
}

const FONT_SIZE = 14;
const CELL_WIDTH = 8.4;
const LINE_HEIGHT = 17;
const BASELINE = 13;
const PADDING = 14;
const TITLE_HEIGHT = 30;
const FONT_FAMILY = 'DejaVu Sans Mono, Menlo, Consolas, monospace';

const hex = (value: number): string => `#${value.toString(16).padStart(6, '0')}`;
const byte = (value: number): string => value.toString(16).padStart(2, '0');

/** One of the 256 xterm colours: the 16 of the theme, a 6x6x6 cube, then 24 greys. */
export const paletteColor = (index: number, theme: SvgTheme = DARK_THEME): string => {
	if (index < 16) return theme.ansi[index] ?? theme.foreground;
	if (index < 232) {
		const levels = [0, 95, 135, 175, 215, 255];
		const cube = index - 16;
		return `#${byte(levels[Math.floor(cube / 36)]!)}${byte(levels[Math.floor(cube / 6) % 6]!)}${byte(levels[cube % 6]!)}`;
	}
	const grey = 8 + (index - 232) * 10;
	return `#${byte(grey).repeat(3)}`;
};

const styleOf = (cell: IBufferCell, theme: SvgTheme): CellStyle => {
	const colour = (isRgb: boolean, isPalette: boolean, value: number): string | undefined =>
		isRgb ? hex(value) : isPalette ? paletteColor(value, theme) : undefined;
	let fg = colour(cell.isFgRGB(), cell.isFgPalette(), cell.getFgColor());
	let bg = colour(cell.isBgRGB(), cell.isBgPalette(), cell.getBgColor());
	if (cell.isInverse()) [fg, bg] = [bg ?? theme.background, fg ?? theme.foreground];
	const style: CellStyle = {
		fg: fg ?? theme.foreground,
		bold: cell.isBold() !== 0,
		dim: cell.isDim() !== 0,
		italic: cell.isItalic() !== 0,
		underline: cell.isUnderline() !== 0,
		strike: cell.isStrikethrough() !== 0,
	};
	if (bg !== undefined && bg !== theme.background) style.bg = bg;
	if (cell.isInvisible()) style.fg = style.bg ?? theme.background;
	return style;
};

const sameStyle = (a: CellStyle, b: CellStyle): boolean =>
	a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline && a.strike === b.strike;

/** Plays the frame into a headless terminal and reads its screen back as runs of same-styled cells. */
export const readFrame = async (frame: string, {columns, rows, theme = DARK_THEME}: SvgOptions): Promise<Run[][]> => {
	const height = rows ?? frame.split('\n').length;
	// Ink ends lines with '\n' alone: convertEol makes it a new line at column 0, as a tty's onlcr does.
	const terminal = new xterm.Terminal({cols: columns, rows: height, allowProposedApi: true, convertEol: true, scrollback: 0});
	try {
		await new Promise<void>(resolve => terminal.write(frame, resolve));
		const buffer = terminal.buffer.active;
		const screen: Run[][] = [];
		const cell = buffer.getNullCell();
		for (let y = 0; y < height; y++) {
			const line = buffer.getLine(buffer.baseY + y);
			const runs: Run[] = [];
			for (let x = 0; x < columns; x++) {
				if (!line?.getCell(x, cell)) break;
				const width = cell.getWidth();
				// The second half of a wide character: its first half already took both cells.
				if (width === 0) continue;
				const style = styleOf(cell, theme);
				const text = cell.getChars() || ' ';
				const last = runs.at(-1);
				if (last && sameStyle(last.style, style)) {
					last.text += text;
					last.width += width;
				} else runs.push({column: x, width, text, style});
			}
			screen.push(runs);
		}
		return screen;
	} finally {
		terminal.dispose();
	}
};

const num = (value: number): string => String(Number(value.toFixed(2)));

export const escapeXml = (text: string): string =>
	text.replace(/[&<>"']/g, char => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'})[char]!);

const textElement = (run: Run, y: number): string | undefined => {
	const {style} = run;
	const decorated = style.underline || style.strike;
	// Blank edges draw nothing unless a line runs under or through them.
	const leading = decorated ? 0 : run.text.length - run.text.replace(/^ +/, '').length;
	const text = decorated ? run.text : run.text.replace(/^ +| +$/g, '');
	if (text === '') return undefined;
	const trailing = run.text.length - leading - text.length;
	const width = run.width - leading - trailing;
	const attributes = [
		`x="${num((run.column + leading) * CELL_WIDTH)}"`,
		`y="${y + BASELINE}"`,
		`fill="${style.fg}"`,
		style.bold ? 'font-weight="bold"' : '',
		style.italic ? 'font-style="italic"' : '',
		style.dim ? 'fill-opacity="0.6"' : '',
		decorated ? `text-decoration="${[style.underline ? 'underline' : '', style.strike ? 'line-through' : ''].filter(Boolean).join(' ')}"` : '',
		// Pins the run to its cells even when a fallback font is a little wider or narrower.
		text.length > 1 ? `textLength="${num(width * CELL_WIDTH)}" lengthAdjust="spacingAndGlyphs"` : '',
	].filter(Boolean);
	return `<text ${attributes.join(' ')}>${escapeXml(text)}</text>`;
};

/** The SVG picture of a screen read by `readFrame`. Pure. */
export const runsToSvg = (screen: Run[][], {columns, title = 'devtui', theme = DARK_THEME}: SvgOptions): string => {
	const width = Math.ceil(columns * CELL_WIDTH + 2 * PADDING);
	const height = Math.ceil(TITLE_HEIGHT + screen.length * LINE_HEIGHT + 2 * PADDING);
	const backgrounds: string[] = [];
	const texts: string[] = [];
	screen.forEach((runs, row) => {
		const y = row * LINE_HEIGHT;
		for (const run of runs) {
			if (run.style.bg) {
				backgrounds.push(`<rect x="${num(run.column * CELL_WIDTH)}" y="${y}" width="${num(run.width * CELL_WIDTH)}" height="${LINE_HEIGHT}" fill="${run.style.bg}"/>`);
			}
			const text = textElement(run, y);
			if (text) texts.push(text);
		}
	});
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
		`<rect width="${width}" height="${height}" rx="8" ry="8" fill="${theme.background}"/>`,
		`<path d="M0 8a8 8 0 0 1 8-8h${width - 16}a8 8 0 0 1 8 8v${TITLE_HEIGHT - 8}h-${width}z" fill="${theme.titleBar}"/>`,
		...['#ff5f57', '#febc2e', '#28c840'].map((fill, index) => `<circle cx="${18 + index * 20}" cy="${TITLE_HEIGHT / 2}" r="6" fill="${fill}"/>`),
		`<text x="${num(width / 2)}" y="${TITLE_HEIGHT / 2 + 4}" text-anchor="middle" font-family="${FONT_FAMILY}" font-size="12" fill="${theme.titleText}">${escapeXml(title)}</text>`,
		`<g transform="translate(${PADDING} ${TITLE_HEIGHT + PADDING})" font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}" xml:space="preserve">`,
		`<g shape-rendering="crispEdges">`,
		...backgrounds,
		'</g>',
		...texts,
		'</g>',
		'</svg>',
		'',
	].join('\n');
};

// Renders an ANSI frame as an SVG terminal window.
export const frameToSvg = async (frame: string, options: SvgOptions): Promise<string> => runsToSvg(await readFrame(frame, options), options);
