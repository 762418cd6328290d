// Builds the bounded preview tree of a parsed JSON value for the state inspector: breadth first,
// depth-limited, at most `maxChildren` children per node and `maxNodes` in all (the rest counted
// in `omitted`), scalars as JSON text cut to `maxText`. Pure; the worker runs it on 50 MB states.

import {PREVIEW_LIMITS, type PreviewNode} from './state-preview-types.js';

/**
 * The most nodes one preview holds, over the whole tree. Depth and per-node limits alone would
 * still allow 200^6 nodes; with this budget a preview stays well under a megabyte.
 */
export const PREVIEW_MAX_NODES = 2000;

export interface PreviewLimits {
	maxDepth: number;
	maxChildren: number;
	maxText: number;
	maxNodes: number;
}

export const DEFAULT_PREVIEW_LIMITS: PreviewLimits = {...PREVIEW_LIMITS, maxNodes: PREVIEW_MAX_NODES};

/** Cuts text to `max` characters, the last being '…', without splitting a surrogate pair. */
export const cutText = (text: string, max: number): string => {
	if (text.length <= max) return text;
	let end = Math.max(0, max - 1);
	const last = text.charCodeAt(end - 1);
	if (last >= 0xd800 && last <= 0xdbff) end--;
	return `${text.slice(0, end)}…`;
};

const typeOf = (value: unknown): PreviewNode['type'] => {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	const type = typeof value;
	return type === 'object' || type === 'string' || type === 'number' || type === 'boolean' ? type : 'null';
};

// Only the start of a long string is serialised: stringifying all of a 40 MB string to keep 200 characters would be waste.
const scalarText = (value: unknown, maxText: number): string =>
	typeof value === 'string' && value.length > maxText
		? cutText(JSON.stringify(value.slice(0, maxText)), maxText)
		: cutText(JSON.stringify(value) ?? 'null', maxText);

/**
 * The bounded preview of a parsed JSON value. Breadth first, so when the node budget runs out it
 * is the deepest, least visible parts that are left out, each counted in its parent's `omitted`.
 */
export const buildPreview = (value: unknown, limits: PreviewLimits = DEFAULT_PREVIEW_LIMITS): PreviewNode => {
	let budget = limits.maxNodes - 1;
	const makeNode = (key: string, child: unknown): PreviewNode => {
		const type = typeOf(child);
		if (type === 'object' || type === 'array') return {key: cutText(key, limits.maxText), type};
		return {key: cutText(key, limits.maxText), type, text: scalarText(child, limits.maxText)};
	};
	const root = makeNode('', value);
	const queue: Array<{node: PreviewNode; value: unknown; depth: number}> = [{node: root, value, depth: 0}];
	for (let index = 0; index < queue.length; index++) {
		const {node, value: container, depth} = queue[index]!;
		if (node.type !== 'object' && node.type !== 'array') continue;
		const isArray = node.type === 'array';
		const keys = isArray ? undefined : Object.keys(container as object);
		const size = isArray ? (container as unknown[]).length : keys!.length;
		const keep = depth >= limits.maxDepth ? 0 : Math.min(size, limits.maxChildren, budget);
		budget -= keep;
		const children: PreviewNode[] = [];
		for (let at = 0; at < keep; at++) {
			const key = isArray ? String(at) : keys![at]!;
			const childValue = isArray ? (container as unknown[])[at] : (container as Record<string, unknown>)[key];
			const child = makeNode(key, childValue);
			children.push(child);
			queue.push({node: child, value: childValue, depth: depth + 1});
		}
		node.size = size;
		node.children = children;
		node.omitted = size - keep;
	}
	return root;
};
