/*
 * phy's HTML table: sortable columns, a filter box taking a JavaScript expression on the field
 * names, single and multi selection (click, ctrl+click, shift+click, arrow keys, Home, End),
 * rows skipped by next/previous, per-row styling by group, and a busy state.
 *
 * The rules (formatting, sort order, filtering, navigation) are those of phy/gui/table_rows.py,
 * which documents them; the functions below mirror it.
 *
 * Rendering is virtual: only the rows in and around the visible part of the table are in the
 * DOM (each row's <tr> is built once and reused), between two padding rows standing for the
 * others, so sorting and filtering thousands of rows re-render a few dozen rows only.
 *
 * Events are sent to Python with `phy.emit` (see bridge.js):
 *   select {selected: [ids], kwargs: {...}}, table_sort {ids, sort: [name, dir]},
 *   table_filter {ids, filter}.
 */
'use strict';

const PHY_OVERSCAN = 20;  // rows rendered above and below the visible ones
const PHY_FILTER_DELAY = 250;  // ms between the last keystroke and the filtering
const PHY_RESERVED = new Set((
  'break case catch class const continue debugger default delete do else enum export extends ' +
  'false finally for function if import in instanceof new null return super switch this throw ' +
  'true try typeof var void while with yield let static implements interface package private ' +
  'protected public await undefined NaN Infinity arguments eval').split(' '));

function phyIsMissing(v) {
  return v === null || v === undefined || (typeof v === 'number' && !isFinite(v));
}

function phyFormatValue(v) {
  if (phyIsMissing(v)) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
  }
  return String(v);
}

function phyNaturalChunks(s) {
  return s.toLowerCase().split(/([0-9]+)/).filter(c => c !== '')
    .map(c => (c.charCodeAt(0) >= 48 && c.charCodeAt(0) <= 57) ? [0, Number(c)] : [1, c]);
}

function phySortKey(v) {
  if (phyIsMissing(v)) return null;
  if (typeof v === 'number') return [0, v];
  if (typeof v === 'boolean') return [0, v ? 1 : 0];
  return [1, phyNaturalChunks(String(v))];
}

function phyCompare(x, y) {
  return x < y ? -1 : (x > y ? 1 : 0);
}

function phyCompareChunks(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = (a[i][0] - b[i][0]) || phyCompare(a[i][1], b[i][1]);
    if (c) return c;
  }
  return a.length - b.length;
}

function phyCompareKeys(ka, kb) {
  if (ka[0] !== kb[0]) return ka[0] - kb[0];
  return ka[0] === 0 ? phyCompare(ka[1], kb[1]) : phyCompareChunks(ka[1], kb[1]);
}

function phyElement(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

class PhyTable {
  /*
   * root: the container element. options: {columns: [names], sort: [name, dir] or null,
   * skipGroups: [groups], colors: [CSS colors of the selected rows, by selection index]}.
   */
  constructor(root, options) {
    options = options || {};
    this.columns = options.columns || [];
    this.skipGroups = new Set(options.skipGroups || []);
    this.colors = options.colors || [];
    this.colorOffset = 0;
    this.rows = new Map();  // id -> {id, data, node, skip, sortKey}, in insertion order
    this.keys = new Set();  // every field name of every row
    this.filtered = [];  // rows passing the filter, in insertion order
    this.view = [];  // rows shown, in order
    this.positions = new Map();  // id -> position in this.view
    this.selected = [];  // selected ids, in selection order
    this.selectedIndex = new Map();  // id -> index in this.selected
    this.anchor = null;  // id where a shift-selection starts
    this.cursor = null;  // id moved by the arrow keys
    this.sortCol = null;
    this.sortDir = 'asc';
    this.filterText = '';
    this.filterFn = null;
    this.rowHeight = 20;
    this.rowHeightMeasured = false;
    this.renderPending = false;
    this._build(root);
    if (options.sort) this.sortBy(options.sort[0], options.sort[1], false);
    else this.refresh();
  }

  // --------------------------------------------------------------------------------------
  // DOM
  // --------------------------------------------------------------------------------------

  _build(root) {
    this.root = root;
    root.classList.add('phy-table');
    root.textContent = '';
    this.input = phyElement('input', 'filter');
    this.input.type = 'text';
    this.input.spellcheck = false;
    this.input.placeholder = "filter: JavaScript expression, e.g. n_spikes > 100 && group != 'noise'";
    this.scroller = phyElement('div', 'scroller');
    this.scroller.tabIndex = 0;
    this.table = phyElement('table');
    this.colgroup = phyElement('colgroup');
    this.thead = phyElement('thead');
    this.tbody = phyElement('tbody');
    this.topPad = this._padRow();
    this.bottomPad = this._padRow();
    this.table.append(this.colgroup, this.thead, this.tbody);
    this.scroller.append(this.table);
    root.append(this.input, this.scroller);
    this._buildHeader();

    this.thead.addEventListener('click', e => {
      const th = e.target.closest('th');
      if (!th) return;
      const name = th.dataset.name;
      const dir = (name === this.sortCol && this.sortDir === 'asc') ? 'desc' : 'asc';
      this.sortBy(name, dir);
    });
    this.tbody.addEventListener('mousedown', e => { if (e.shiftKey) e.preventDefault(); });
    this.tbody.addEventListener('click', e => {
      const tr = e.target.closest('tr.row');
      if (tr) this._onRowClick(tr.phyRow.id, e);
    });
    this.scroller.addEventListener('keydown', e => this._onKeyDown(e));
    this.scroller.addEventListener('scroll', () => this._scheduleRender(), {passive: true});
    window.addEventListener('resize', () => this._scheduleRender());
    this.input.addEventListener('keydown', e => {
      if (e.key === 'Enter') this.filter(this.input.value);
      else if (e.key === 'Escape') this.filter('');
    });
    this.input.addEventListener('input', () => {
      clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => this.filter(this.input.value), PHY_FILTER_DELAY);
    });
  }

  _padRow() {
    const tr = phyElement('tr', 'pad');
    const td = phyElement('td');
    td.colSpan = Math.max(1, this.columns.length);
    tr.append(td);
    return tr;
  }

  _buildHeader() {
    const tr = phyElement('tr');
    this.colgroup.textContent = '';
    for (const name of this.columns) {
      const th = phyElement('th', '', name);
      th.dataset.name = name;
      th.append(phyElement('span', 'arrow'));
      tr.append(th);
      this.colgroup.append(phyElement('col'));
    }
    this.thead.textContent = '';
    this.thead.append(tr);
  }

  _updateHeader() {
    for (const th of this.thead.querySelectorAll('th')) {
      const sorted = th.dataset.name === this.sortCol;
      th.classList.toggle('sorted', sorted);
      th.querySelector('.arrow').textContent = sorted ? (this.sortDir === 'asc' ? ' ▲' : ' ▼') : '';
    }
  }

  _updateColumnWidths() {
    // Fixed layout: each column as wide as its longest text (in characters), within bounds.
    const cols = this.colgroup.children;
    this.columns.forEach((name, j) => {
      let n = name.length + 2;
      for (const row of this.rows.values()) {
        n = Math.max(n, phyFormatValue(row.data[name]).length);
      }
      cols[j].style.width = (Math.min(n, 40) + 2) + 'ch';
    });
  }

  _rowNode(row) {
    if (row.node) return row.node;
    const tr = phyElement('tr');
    for (const name of this.columns) {
      const v = row.data[name];
      const num = typeof v === 'number' && isFinite(v);
      tr.append(phyElement('td', num ? 'num' : '', phyFormatValue(v)));
    }
    tr.phyRow = row;
    row.node = tr;
    return tr;
  }

  _rowClass(row) {
    let cls = 'row';
    const group = row.data.group;
    if (group !== null && group !== undefined) {
      cls += ' group-' + String(group).replace(/[^A-Za-z0-9_-]/g, '_');
    }
    if (row.skip) cls += ' skip';
    if (this.selectedIndex.has(row.id)) cls += ' selected';
    return cls;
  }

  _scheduleRender() {
    if (this.renderPending) return;
    this.renderPending = true;
    requestAnimationFrame(() => { this.renderPending = false; this.render(); });
  }

  _visibleRange() {
    const h = this.rowHeight;
    const bodyHeight = this.scroller.clientHeight - this.thead.offsetHeight;
    const top = Math.max(0, this.scroller.scrollTop);
    const start = Math.max(0, Math.floor(top / h) - PHY_OVERSCAN);
    const shown = bodyHeight > 0 ? Math.ceil(bodyHeight / h) : PHY_OVERSCAN;
    const end = Math.min(this.view.length, Math.floor(top / h) + shown + PHY_OVERSCAN);
    return [start, end];
  }

  render() {
    const [start, end] = this._visibleRange();
    const fragment = document.createDocumentFragment();
    fragment.append(this.topPad);
    for (let i = start; i < end; i++) {
      const row = this.view[i];
      const tr = this._rowNode(row);
      tr.className = this._rowClass(row);
      const k = this.selectedIndex.get(row.id);
      if (k !== undefined && this.colors.length) {
        tr.style.setProperty('--select-color', this.colors[(k + this.colorOffset) % this.colors.length]);
      }
      fragment.append(tr);
    }
    fragment.append(this.bottomPad);
    this.topPad.firstChild.style.height = (start * this.rowHeight) + 'px';
    this.bottomPad.firstChild.style.height = ((this.view.length - end) * this.rowHeight) + 'px';
    this.tbody.textContent = '';
    this.tbody.append(fragment);
    if (!this.rowHeightMeasured && end > start) {
      const h = this.view[start].node.getBoundingClientRect().height;
      if (h > 0) {
        this.rowHeightMeasured = true;
        if (Math.abs(h - this.rowHeight) > 0.01) { this.rowHeight = h; this.render(); }
      }
    }
  }

  // --------------------------------------------------------------------------------------
  // Data
  // --------------------------------------------------------------------------------------

  setColumns(columns) {
    this.columns = columns;
    for (const pad of [this.topPad, this.bottomPad]) pad.firstChild.colSpan = Math.max(1, columns.length);
    for (const row of this.rows.values()) row.node = null;
    this._buildHeader();
    this._updateColumnWidths();
    this._updateHeader();
    this.render();
  }

  _setRow(obj, merge) {
    let row = this.rows.get(obj.id);
    if (!row) {
      row = {id: obj.id, data: {}, node: null, skip: false, sortKey: null};
      this.rows.set(obj.id, row);
    }
    row.data = merge ? Object.assign(row.data, obj) : Object.assign({}, obj);
    row.node = null;
    row.skip = !!row.data.is_masked || this.skipGroups.has(row.data.group);
    for (const k in obj) this.keys.add(k);
  }

  add(objects) {
    for (const obj of objects) this._setRow(obj, false);
    this._dataChanged();
  }

  change(objects) {
    for (const obj of objects) if (this.rows.has(obj.id)) this._setRow(obj, true);
    this._dataChanged();
  }

  remove(ids) {
    for (const id of ids) this.rows.delete(id);
    this._setSelection(this.selected.filter(id => this.rows.has(id)));
    this._dataChanged();
  }

  removeAll() {
    this.removeAllAndAdd([]);
  }

  removeAllAndAdd(objects) {
    this.rows.clear();
    this._setSelection([]);
    this.anchor = this.cursor = null;
    this.add(objects);
  }

  _dataChanged() {
    if (this.filterText) this._compileFilter(this.filterText);
    this._updateColumnWidths();
    this.refresh();
  }

  get(id) {
    const row = this.rows.get(id);
    return row ? row.data : null;
  }

  getIds() {
    return this.view.map(row => row.id);
  }

  // --------------------------------------------------------------------------------------
  // Sort and filter
  // --------------------------------------------------------------------------------------

  refresh() {
    // Filter (in insertion order), sort, render.
    const rows = Array.from(this.rows.values());
    this.filtered = this.filterFn ? rows.filter(row => this._matches(row)) : rows;
    this._sort();
  }

  _sort() {
    let view = this.filtered.slice();
    const col = this.sortCol;
    if (col !== null) {
      const sign = this.sortDir === 'desc' ? -1 : 1;
      for (const row of view) row.sortKey = phySortKey(row.data[col]);
      view.sort((a, b) => {
        const ka = a.sortKey, kb = b.sortKey;
        if (ka === null || kb === null) {
          if (ka === kb) return phyCompare(a.id, b.id);
          return ka === null ? 1 : -1;
        }
        return sign * phyCompareKeys(ka, kb) || phyCompare(a.id, b.id);
      });
    }
    this.view = view;
    this.positions = new Map(view.map((row, i) => [row.id, i]));
    this._updateHeader();
    this.render();
  }

  sortBy(name, dir, emit) {
    this.sortCol = name;
    this.sortDir = dir === 'desc' ? 'desc' : 'asc';
    this._sort();
    if (emit !== false) this._emit('table_sort', {ids: this.getIds(), sort: [name, this.sortDir]});
  }

  getCurrentSort() {
    return this.sortCol === null ? null : [this.sortCol, this.sortDir];
  }

  _filterNames() {
    return Array.from(this.keys).filter(k => /^[A-Za-z_$][\w$]*$/.test(k) && !PHY_RESERVED.has(k));
  }

  _compileFilter(text) {
    const names = this._filterNames();
    const fn = new Function(...names, '"use strict"; return (' + text + '\n);');
    this.filterFn = row => fn.apply(null, names.map(n => row.data[n]));
  }

  _matches(row) {
    try {
      return !!this.filterFn(row);
    } catch (e) {
      if (e instanceof ReferenceError) throw e;
      return false;
    }
  }

  filter(text) {
    // Filter the rows with a JavaScript expression; return false if the expression is invalid.
    text = (text || '').trim();
    if (this.input.value.trim() !== text) this.input.value = text;
    clearTimeout(this.filterTimer);
    const previous = [this.filterText, this.filterFn];
    try {
      this.filterText = text;
      if (text) this._compileFilter(text);
      else this.filterFn = null;
      this.refresh();
    } catch (e) {
      [this.filterText, this.filterFn] = previous;
      this.input.classList.add('invalid');
      this.input.title = String(e);
      console.warn('Invalid filter expression "' + text + '": ' + e);
      return false;
    }
    this.input.classList.remove('invalid');
    this.input.title = '';
    this._emit('table_filter', {ids: this.getIds(), filter: text});
    return true;
  }

  // --------------------------------------------------------------------------------------
  // Selection
  // --------------------------------------------------------------------------------------

  _setSelection(ids) {
    const seen = new Set();
    this.selected = ids.filter(id => this.rows.has(id) && !seen.has(id) && seen.add(id));
    this.selectedIndex = new Map(this.selected.map((id, i) => [id, i]));
  }

  _changeSelection(ids, kwargs, scrollId) {
    this._setSelection(ids);
    if (scrollId !== undefined && scrollId !== null) this.scrollTo(scrollId);
    else this.render();
    this._emit('select', {selected: this.selected.slice(), kwargs: kwargs || {}});
    return this.selected.slice();
  }

  select(ids, kwargs) {
    // Select rows (emitting the select event), scrolling to the first one.
    this._setSelection(ids);
    const n = this.selected.length;
    this.anchor = this.cursor = n ? this.selected[n - 1] : null;
    return this._changeSelection(this.selected, kwargs, n ? this.selected[0] : null);
  }

  getSelected() {
    return this.selected.slice();
  }

  _range(id0, id1) {
    // Ids shown between two rows (included), in the order shown.
    const i = this.positions.get(id0), j = this.positions.get(id1);
    if (i === undefined) return [id1];
    return this.view.slice(Math.min(i, j), Math.max(i, j) + 1).map(row => row.id);
  }

  _onRowClick(id, e) {
    let ids;
    if (e.shiftKey && this.anchor !== null) {
      const range = this._range(this.anchor, id);
      ids = (e.ctrlKey || e.metaKey) ? this.selected.concat(range) : range;
    } else if (e.ctrlKey || e.metaKey) {
      ids = this.selectedIndex.has(id) ?
        this.selected.filter(s => s !== id) : this.selected.concat([id]);
      this.anchor = id;
    } else {
      ids = [id];
      this.anchor = id;
    }
    this.cursor = id;
    this._changeSelection(ids);
  }

  _onKeyDown(e) {
    const n = this.view.length;
    if (!n) return;
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / this.rowHeight) - 1);
    const steps = {ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page};
    let pos = this.positions.get(this.cursor);
    if (e.key in steps) {
      pos = pos === undefined ? (steps[e.key] > 0 ? 0 : n - 1) : pos + steps[e.key];
    } else if (e.key === 'Home') {
      pos = 0;
    } else if (e.key === 'End') {
      pos = n - 1;
    } else {
      return;
    }
    e.preventDefault();
    const id = this.view[Math.max(0, Math.min(n - 1, pos))].id;
    const extend = e.shiftKey && this.anchor !== null;
    if (!extend) this.anchor = id;
    this.cursor = id;
    this._changeSelection(extend ? this._range(this.anchor, id) : [id], {}, id);
  }

  _navigationIds() {
    return [this.getIds(), new Set(this.view.filter(row => row.skip).map(row => row.id))];
  }

  getNextId(direction) {
    // First non-skipped row after the last shown selected row (before the first for -1).
    const [ids, skipped] = this._navigationIds();
    direction = direction || 1;
    const shown = this.selected.map(id => this.positions.get(id)).filter(i => i !== undefined);
    let i;
    if (shown.length) i = direction > 0 ? Math.max(...shown) + 1 : Math.min(...shown) - 1;
    else i = direction > 0 ? 0 : ids.length - 1;
    for (; i >= 0 && i < ids.length; i += direction) {
      if (!skipped.has(ids[i])) return ids[i];
    }
    return null;
  }

  getPreviousId() {
    return this.getNextId(-1);
  }

  _selectOne(id) {
    return id === null ? this.selected.slice() : this.select([id]);
  }

  first() {
    const [ids, skipped] = this._navigationIds();
    const id = ids.find(i => !skipped.has(i));
    return this._selectOne(id === undefined ? null : id);
  }

  next() {
    return this._selectOne(this.getNextId(1));
  }

  previous() {
    return this._selectOne(this.getNextId(-1));
  }

  setSelectedIndexOffset(n) {
    this.colorOffset = n;
    this.render();
  }

  // --------------------------------------------------------------------------------------
  // Misc
  // --------------------------------------------------------------------------------------

  scrollTo(id) {
    // Scroll the least so that a row is visible.
    const i = this.positions.get(id);
    if (i === undefined) return;
    const h = this.rowHeight;
    const bodyHeight = this.scroller.clientHeight - this.thead.offsetHeight;
    const top = this.scroller.scrollTop;
    if (i * h < top) this.scroller.scrollTop = i * h;
    else if ((i + 1) * h > top + bodyHeight) this.scroller.scrollTop = (i + 1) * h - bodyHeight;
    this.render();
  }

  rowRect(id) {
    // Bounding rectangle of a shown row in the page, scrolling to it first (used by tests).
    this.scrollTo(id);
    const row = this.rows.get(id);
    if (!row || !row.node || !row.node.isConnected) return null;
    const r = row.node.getBoundingClientRect();
    return {x: r.left, y: r.top, width: r.width, height: r.height};
  }

  setBusy(busy) {
    this.root.classList.toggle('busy', !!busy);
  }

  _emit(name, data) {
    if (window.phy) window.phy.emit(name, data);
  }
}
