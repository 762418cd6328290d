// A bounded view of a (possibly 50 MB) state file for the inspector: depth-limited, with at most a
// few children per node and long strings cut, so building and rendering it never depends on the
// state's size. Produced off the main thread; consumed by the dashboard.

export type PreviewValueType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export interface PreviewNode {
	/** Object key or array index as text; '' for the root. */
	key: string;
	type: PreviewValueType;
	/** For scalars: the value as JSON text, cut to a bounded length (ending in '…' when cut). */
	text?: string;
	/** For objects and arrays: how many children the real value has. */
	size?: number;
	/** The children kept in the preview (objects and arrays only), at most the preview's limit. */
	children?: PreviewNode[];
	/** How many children were left out of `children` (size - children.length), or the depth ran out. */
	omitted?: number;
}

export interface StatePreview {
	/** The file the preview was made from. */
	file: string;
	bytes: number;
	/** File modification time, epoch ms. */
	mtimeMs: number;
	root: PreviewNode;
}

export interface StatePreviewSource {
	/** Builds the preview of a state or snapshot file; rejects with a one-line Error when it cannot. */
	load(file: string): Promise<StatePreview>;
	close(): Promise<void>;
}

export const PREVIEW_LIMITS = {maxDepth: 6, maxChildren: 200, maxText: 200} as const;
