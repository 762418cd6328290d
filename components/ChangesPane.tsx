// The files behind the current or last restart (+ added, ~ changed, - removed), or, while
// restarts are held, the changes waiting for the one restart the release will cause, or the files
// a pre-restart check is looking at (those it blamed for a failure first, marked). Below them, the
// files set aside as the app's own writes: why, and the way out.

import {Box, Text} from 'ink';
import type {ChangeKind} from '../src/supervisor/events.js';
import {NOTICE_MS} from '../src/store/clock.js';
import {formatClock, plural} from '../src/store/format.js';
import {blamedFirst, type CheckView} from '../src/store/listen-check-view.js';
import type {ChangesView} from '../src/store/selectors.js';
import {evidenceText, wayOutText} from '../src/store/set-aside.js';
import type {SetAsideFile} from '../src/store/state.js';
import {PaneTitle} from './PaneTitle.js';
import {glyphs, toneColor, type Tone} from './theme.js';

export interface ChangesPaneProps {
	view: ChangesView;
	/** A check running or failed: its files replace the view's. */
	check?: CheckView;
	/** Files whose changes no longer restart the app (the app writes them), newest first. */
	setAside?: readonly SetAsideFile[];
	/** While the newest set-aside is news (a notice's time), it shows why and the way out. */
	now?: number;
	/** First row shown (the pane scrolls when focused). */
	top: number;
	focused: boolean;
	width: number;
	height: number;
}

const KIND: Record<ChangeKind, {glyph: string; tone: Tone}> = {
	added: {glyph: glyphs.added, tone: 'ok'},
	changed: {glyph: glyphs.changed, tone: 'warn'},
	removed: {glyph: glyphs.removed, tone: 'error'},
};

const titleOf = (view: ChangesView): {title: string; detail: string; tone: Tone} => {
	if (view.mode === 'held') return {title: 'Held', detail: `${plural(view.files.length, 'change')} pending`, tone: 'warn'};
	if (view.mode === 'none') return {title: 'Changes', detail: '', tone: 'dim'};
	const what = view.trigger === 'manual' ? 'manual restart' : plural(view.files.length, 'file');
	return {title: 'Changes', detail: `${what}${view.at === undefined ? '' : ` · ${formatClock(view.at)}`}`, tone: 'dim'};
};

const emptyText = (view: ChangesView): string => {
	if (view.mode === 'held') return 'restarts held: changes wait here (p releases, r restarts now)';
	if (view.mode === 'none') return 'no changes yet';
	return view.trigger === 'manual' ? 'restarted by request, no file changes' : 'no files';
};

// The time a check has taken is in the timeline's "check" bar; here, which checks and files.
const checkTitle = (check: CheckView): {title: string; detail: string; tone: Tone} => {
	if (check.status === 'running') return {title: 'Checking', detail: check.checks.join(', '), tone: 'warn'};
	const blamed = check.failure.blamed.length;
	return {title: 'Changes', detail: blamed > 0 ? `${blamed} of ${check.files.length} blamed` : 'check failed', tone: 'error'};
};

interface AsideRow {
	key: string;
	text: string;
	tone: Tone;
}

// While the newest is news: it with its evidence and the way out, then the others a row each.
// Afterwards (they stay set aside for the session) one row names them all, so they do not take
// the pane from the changes for good. The log has each one's whole story.
const asideRows = (files: readonly SetAsideFile[], now: number): AsideRow[] => {
	const [newest] = files;
	if (!newest) return [];
	if (now - newest.at >= NOTICE_MS) {
		const text = files.length === 1 ? `${newest.file} set aside` : `${plural(files.length, 'file')} set aside: ${files.map(entry => entry.file).join(', ')}`;
		return [{key: 'aside', text: ` ${glyphs.setAside} ${text}`, tone: 'warn'}];
	}
	return files.flatMap((entry, index): AsideRow[] => {
		const head: AsideRow = {key: `${entry.file}:file`, text: ` ${glyphs.setAside} ${entry.file} set aside: the app writes it`, tone: 'warn'};
		if (index > 0) return [head];
		return [head, {key: `${entry.file}:why`, text: `   ${evidenceText(entry, true)}`, tone: 'dim'}, {key: `${entry.file}:out`, text: `   ${wayOutText(entry, true)}`, tone: 'accent'}];
	});
};

export const ChangesPane = ({view: changes, check, setAside = [], now = 0, top, focused, width, height}: ChangesPaneProps) => {
	const blamed = check?.status === 'failed' ? check.failure.blamed : [];
	const view: ChangesView = check ? {mode: 'restart', files: blamedFirst(check.files, blamed)} : changes;
	const {title, detail, tone} = check ? checkTitle(check) : titleOf(view);
	const inner = Math.max(0, height - 1);
	// The set-aside files take the bottom rows; the changes what is left.
	const aside = asideRows(setAside, now).slice(0, inner);
	const rows = inner - aside.length;
	const first = Math.min(top, Math.max(0, view.files.length - rows));
	const overflow = rows > 0 && view.files.length - first > rows;
	const shown = rows > 0 ? view.files.slice(first, first + (overflow ? rows - 1 : rows)) : [];
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title={title} detail={detail} detailTone={tone} focused={focused} width={width} />
			{view.files.length === 0 && rows > 0 ? (
				<Text dimColor wrap="truncate-end">
					{`  ${emptyText(view)}`}
				</Text>
			) : null}
			{shown.map(file => (
				<Box key={file.path} width={width} height={1}>
					<Text wrap="truncate-middle">
						<Text color={toneColor(KIND[file.kind].tone)}>{` ${KIND[file.kind].glyph} `}</Text>
						{blamed.includes(file.path) ? <Text bold color={toneColor('error')}>{`${file.path} ${glyphs.failed}`}</Text> : file.path}
					</Text>
				</Box>
			))}
			{overflow ? <Text dimColor>{`   … ${plural(view.files.length - first - shown.length, 'more file')}`}</Text> : null}
			{aside.length > 0 ? <Box flexGrow={1} /> : null}
			{aside.map(row => (
				<Text key={row.key} wrap="truncate-end" color={toneColor(row.tone)} dimColor={row.tone === 'dim'}>
					{row.text}
				</Text>
			))}
		</Box>
	);
};
