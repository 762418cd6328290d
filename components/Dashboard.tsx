// The whole screen for a given layout: reads the state once and hands each pane its slice; which
// panel or message wins a place is the selectors' decision (src/store/screen.ts). For a stack of
// several services the state is the focused service's view (stack-view.ts), and the stack adds
// its header, the services pane and the service names in the log.

import {Box} from 'ink';
import {useLogRows} from '../src/hooks/dashboard-context.js';
import {useStack} from '../src/hooks/stack-context.js';
import {useDashboard} from '../src/hooks/use-dashboard.js';
import {footerHints, keyContextOf} from '../src/keymap.js';
import {logRowWidth, type Layout} from '../src/store/layout.js';
import {paneCheck, socketView} from '../src/store/listen-check-view.js';
import {filterEntries} from '../src/store/log-view.js';
import {headerMessage, topPanel} from '../src/store/screen.js';
import {appStatus, countdown, shownTimeline, stateAgeMs, statusDetail, uptimeMs, visibleChanges} from '../src/store/selectors.js';
import type {StackState} from '../src/store/stack-state.js';
import {focusedService, serviceRows, serviceStatus, stackKeyContext, stackSummary} from '../src/store/stack-view.js';
import {flattenPreview} from '../src/store/state-tree.js';
import type {DashboardState} from '../src/store/state.js';
import {ChangesPane} from './ChangesPane.js';
import {CheckPanel} from './CheckPanel.js';
import {CrashPanel} from './CrashPanel.js';
import {Footer} from './Footer.js';
import {Header} from './Header.js';
import {HelpOverlay} from './HelpOverlay.js';
import {HistoryList} from './HistoryList.js';
import {InspectorPane} from './InspectorPane.js';
import {LogPane, type LogPrefix} from './LogPane.js';
import {ServicesPane} from './ServicesPane.js';
import {StackHeader} from './StackHeader.js';
import {TimelinePane} from './TimelinePane.js';
import {serviceColor, theme} from './theme.js';

const Top = ({state, stack, layout}: {state: DashboardState; stack?: StackState | undefined; layout: Layout}) => {
	const {top} = layout;
	const focus = state.ui.focus;
	const shown = shownTimeline(state);
	const panel = topPanel(state);
	const servicesHeight = stack ? (layout.services?.height ?? 0) : 0;
	return (
		<Box height={top.height} width={layout.width}>
			<Box flexDirection="column" width={top.leftWidth} height={top.height}>
				{servicesHeight > 0 && stack ? <ServicesPane rows={serviceRows(stack)} focused={focus === 'services'} width={top.leftWidth} height={servicesHeight} /> : null}
				{top.changesHeight > 0 || !layout.services ? (
					<ChangesPane view={visibleChanges(state)} check={paneCheck(state)} setAside={state.setAside} now={state.now} top={state.ui.changesTop} focused={focus === 'changes'} width={top.leftWidth} height={top.changesHeight} />
				) : null}
				{top.historyHeight > 0 || !layout.services ? (
					<HistoryList history={state.history} top={state.ui.historyTop} focused={focus === 'timeline'} width={top.leftWidth} height={top.historyHeight} />
				) : null}
			</Box>
			<Box width={1} height={top.height} borderStyle="single" borderTop={false} borderBottom={false} borderRight={false} borderColor={theme.rule} />
			{panel.kind === 'check' ? (
				<CheckPanel check={panel.check} focused={focus === 'timeline'} width={top.rightWidth} height={top.height} />
			) : panel.kind === 'crash' ? (
				<CrashPanel crash={state.crash} spawnFailure={state.spawnFailure} now={state.now} focused={focus === 'timeline'} width={top.rightWidth} height={top.height} />
			) : (
				<TimelinePane
					timeline={shown?.timeline}
					live={shown?.live ?? false}
					stopped={shown?.stopped ?? false}
					readinessUnknown={shown?.readinessUnknown ?? false}
					countdown={countdown(state)}
					now={state.now}
					focused={focus === 'timeline'}
					width={top.rightWidth}
					height={top.height}
				/>
			)}
		</Box>
	);
};

// Each service's name in its own colour, by its place in the stack.
const prefixOf = (stack: StackState | undefined, width: number): LogPrefix | undefined =>
	stack && width > 0 ? {width, colorOf: service => serviceColor(stack.order.indexOf(service))} : undefined;

const Bottom = ({state, stack, layout}: {state: DashboardState; stack?: StackState | undefined; layout: Layout}) => {
	const logRows = useLogRows();
	const {bottom} = layout;
	const {ui} = state;
	const showLogs = bottom.split || ui.bottom === 'logs';
	const showInspector = bottom.split || ui.bottom === 'inspector';
	return (
		<Box height={bottom.height} width={layout.width}>
			{showLogs ? (
				<LogPane
					entries={filterEntries(state.logs.entries, ui.filter.applied)}
					total={state.logs.entries.length}
					view={ui.log}
					filter={ui.filter}
					rows={logRows(logRowWidth(layout), ui.wrap)}
					wrap={ui.wrap}
					focused={ui.focus === 'logs'}
					width={bottom.logsWidth}
					height={bottom.height}
					prefix={prefixOf(stack, layout.bottom.prefix ?? 0)}
					{...(stack && stack.order.length > 1 && stack.logScope === 'focused' && stack.focused !== undefined ? {scope: `only ${stack.focused}`} : {})}
				/>
			) : null}
			{bottom.split ? (
				<Box width={1} height={bottom.height} borderStyle="single" borderTop={false} borderBottom={false} borderRight={false} borderColor={theme.rule} />
			) : null}
			{showInspector ? (
				<InspectorPane
					persisted={state.persisted}
					preview={state.preview}
					ageMs={stateAgeMs(state)}
					rows={flattenPreview(state.preview.preview, ui.tree.expanded, state.persisted.changedKeys)}
					cursor={ui.tree.cursor}
					browser={ui.browser}
					snapshots={state.snapshots}
					chosen={state.chosenSnapshot}
					focused={ui.focus === 'inspector'}
					width={bottom.inspectorWidth}
					height={bottom.height}
				/>
			) : null}
		</Box>
	);
};

const StackTop = ({state, stack, width}: {state: DashboardState; stack: StackState; width: number}) => {
	const service = focusedService(stack);
	const detail = statusDetail(state);
	const uptime = uptimeMs(state);
	return (
		<StackHeader
			summary={stackSummary(stack)}
			{...(service && stack.focused !== undefined
				? {
						focused: {
							name: stack.focused,
							status: serviceStatus(service),
							command: state.command,
							restart: state.restart,
							...(detail === undefined ? {} : {detail}),
							...(state.pid === undefined ? {} : {pid: state.pid}),
							...(uptime === undefined ? {} : {uptimeMs: uptime}),
						},
					}
				: {})}
			{...(headerMessage(state) ? {message: headerMessage(state)!} : {})}
			width={width}
		/>
	);
};

export const Dashboard = ({layout}: {layout: Layout}) => {
	const state = useDashboard();
	const known = useStack();
	// A stack of one service looks like one app.
	const stack = known && known.order.length > 1 ? known : undefined;
	const {width} = layout;
	const bodyHeight = layout.top.height + layout.bottom.height;
	return (
		<Box flexDirection="column" width={width} height={layout.height}>
			{stack ? <StackTop state={state} stack={stack} width={width} /> : <Header
				status={appStatus(state)}
				detail={statusDetail(state)}
				command={state.command}
				pid={state.pid}
				uptimeMs={uptimeMs(state)}
				restart={state.restart}
				warm={state.warm !== undefined}
				watchPaths={state.watchPaths}
				watchReady={state.watchReady}
				polling={state.polling}
				socket={socketView(state)}
				message={headerMessage(state)}
				width={width}
			/>}
			{state.ui.help ? (
				<HelpOverlay width={width} height={bodyHeight} stack={stack !== undefined} />
			) : (
				<>
					{layout.top.height > 0 ? <Top state={state} stack={stack} layout={layout} /> : null}
					<Bottom state={state} stack={stack} layout={layout} />
				</>
			)}
			<Footer hints={footerHints(keyContextOf(state, stackKeyContext(stack)))} width={width} />
		</Box>
	);
};
