/**
 * Building the page from data without ever parsing data as HTML: every value goes in as a text node or
 * an attribute set through the DOM (the CSP forbids inline scripts and styles; escaping is the DOM's).
 */

/**
 * `h('a', { href: url, class: 'link' }, 'text', child)`: an element with attributes and children.
 * `on*` props that are functions become event listeners; `dataset` sets data-* attributes; `null`,
 * `undefined` and `false` props and children are left out.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key === 'class') {
      node.className = String(value);
    } else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') {
      node[key] = value;
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `node` (or of the element with that id). */
export function fill(node, ...children) {
  const target = typeof node === 'string' ? byId(node) : node;
  target.replaceChildren();
  append(target, children);
  return target;
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

/** A message in a status region: kind 'ok', 'error' or 'info' (a class for its colour). */
export function say(region, kind, ...text) {
  const target = typeof region === 'string' ? byId(region) : region;
  target.className = `notice notice-${kind}`;
  fill(target, ...text);
  target.hidden = false;
}
