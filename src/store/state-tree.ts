// The inspector's rows: the bounded preview tree flattened through the expanded set. Only expanded
// nodes are walked, and the preview itself is bounded, so this never depends on the state's size.

import type {PreviewNode, StatePreview} from '../state/state-preview-types.js';

export interface TreeRow {
	/** '' for the root's children's parent; '/users/0' style below it. */
	path: string;
	depth: number;
	key: string;
	node?: PreviewNode;
	/** A "… N more" row standing for children the preview left out. */
	more?: number;
	expandable: boolean;
	expanded: boolean;
	/** A top-level key that changed since the previous snapshot. */
	changed: boolean;
}

const childPath = (parent: string, key: string): string => `${parent}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

const isContainer = (node: PreviewNode): boolean => node.type === 'object' || node.type === 'array';

export const flattenPreview = (
	preview: StatePreview | undefined,
	expanded: Readonly<Record<string, true>>,
	changedKeys: readonly string[] = [],
): TreeRow[] => {
	if (!preview) return [];
	const changed = new Set(changedKeys);
	const rows: TreeRow[] = [];
	const walk = (node: PreviewNode, path: string, depth: number) => {
		for (const child of node.children ?? []) {
			const path_ = childPath(path, child.key);
			const expandable = isContainer(child) && ((child.children?.length ?? 0) > 0 || (child.omitted ?? 0) > 0);
			const open = expandable && expanded[path_] === true;
			rows.push({path: path_, depth, key: child.key, node: child, expandable, expanded: open, changed: depth === 0 && changed.has(child.key)});
			if (open) walk(child, path_, depth + 1);
		}
		if ((node.omitted ?? 0) > 0) {
			rows.push({path: `${path}/…`, depth, key: '', more: node.omitted, expandable: false, expanded: false, changed: false});
		}
	};
	const {root} = preview;
	if (!isContainer(root)) {
		return [{path: '', depth: 0, key: '', node: root, expandable: false, expanded: false, changed: false}];
	}
	walk(root, '', 0);
	return rows;
};
