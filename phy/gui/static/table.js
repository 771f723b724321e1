/*
 * phy's HTML table: a renderer of the row store held in Python (phy/utils/row_store.py).
 *
 * The page holds no rule of its own: Python sends the shown order (a list of ids), the rows
 * with their cell texts already formatted, the column widths, the sort, the filter and the
 * selection (`table.update(patch)`), and the page draws them. The user's input goes back to
 * Python, which updates the store and sends the new state:
 *   row_click {id, ctrl, shift}, key {key, shift, page}, header_click {name}, filter {text}.
 * Plugins and tests may also ask for a change from JavaScript: `table.sortBy(name, dir)`,
 * `table.filter(text)`, `table.select(ids, kwargs)` send sort_by, filter and select requests.
 *
 * Rendering is virtual: only the rows in and around the visible part of the table are in the
 * DOM (each row's <tr> is built once and reused), between two padding rows standing for the
 * others, so sorting and filtering thousands of rows re-render a few dozen rows only. The page
 * keeps the cells of the rows Python sent; Python sends those of the drawn positions with each
 * new order. When the page draws positions (scrolling) whose rows it lacks, it draws empty
 * rows there and asks Python for them:
 *   fetch {start, end (the positions drawn), ids (the rows lacking)}.
 */
'use strict';

const PHY_OVERSCAN = 4;  // rows rendered above and below the visible ones
const PHY_FILTER_DELAY = 250;  // ms between the last keystroke and the filtering
const PHY_KEYS = new Set(['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End']);

function phyElement(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function setIfChanged(object, name, value) {
  // Assign a DOM property only if it changes (an assignment may make the browser redraw).
  if (object[name] !== value) object[name] = value;
}

class PhyTable {
  /* root: the container element. options: {colors: [CSS colors of the selected rows]}. */
  constructor(root, options) {
    options = options || {};
    this.colors = options.colors || [];
    this.colorOffset = 0;
    this.columns = [];
    this.rows = new Map();  // id -> {id, cells, num, cls, node}, the rows Python sent
    this.view = [];  // ids shown, in order
    this.requested = new Set();  // ids asked for and not yet received
    this.drawn = [0, 0];  // positions drawn by the last render
    this.missing = 0;  // rows lacking in the last render (drawn empty)
    this.selected = [];
    this.selectedIndex = new Map();  // id -> index in this.selected
    this.sort = null;
    this.rowHeight = 20;
    this.rowHeightMeasured = false;
    this.renderPending = false;
    this._build(root);
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
    this.error = phyElement('div', 'error');
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
    root.append(this.input, this.error, this.scroller);

    this.thead.addEventListener('click', e => {
      const th = e.target.closest('th');
      if (th) this._emit('header_click', {name: th.dataset.name});
    });
    this.tbody.addEventListener('mousedown', e => { if (e.shiftKey) e.preventDefault(); });
    this.tbody.addEventListener('click', e => {
      const tr = e.target.closest('tr.row');
      if (tr) {
        this._emit('row_click',
                   {id: tr.phyRow.id, ctrl: e.ctrlKey || e.metaKey, shift: e.shiftKey});
      }
    });
    this.scroller.addEventListener('keydown', e => {
      if (!PHY_KEYS.has(e.key)) return;
      e.preventDefault();
      const page = Math.max(1, Math.floor(this.scroller.clientHeight / this.rowHeight) - 1);
      this._emit('key', {key: e.key, shift: e.shiftKey, page: page});
    });
    this.scroller.addEventListener('scroll', () => this._scheduleRender(), {passive: true});
    window.addEventListener('resize', () => this._scheduleRender());
    this.input.addEventListener('keydown', e => {
      if (e.key === 'Enter') this.filter(this.input.value);
      else if (e.key === 'Escape') { this.input.value = ''; this.filter(''); }
    });
    this.input.addEventListener('input', () => {
      clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => this.filter(this.input.value), PHY_FILTER_DELAY);
    });
  }

  _padRow() {
    const tr = phyElement('tr', 'pad');
    tr.append(phyElement('td'));
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
    for (const pad of [this.topPad, this.bottomPad]) {
      pad.firstChild.colSpan = Math.max(1, this.columns.length);
    }
  }

  _updateHeader() {
    for (const th of this.thead.querySelectorAll('th')) {
      const sorted = this.sort !== null && th.dataset.name === this.sort[0];
      th.classList.toggle('sorted', sorted);
      setIfChanged(th.querySelector('.arrow'), 'textContent',
                   sorted ? (this.sort[1] === 'asc' ? ' ▲' : ' ▼') : '');
    }
  }

  _setColumnWidths(widths) {
    // Fixed layout: each column as wide as its longest text (in characters), within bounds.
    const cols = this.colgroup.children;
    this.columns.forEach((name, j) => {
      const n = Math.max(name.length + 2, widths[j] || 0);
      cols[j].style.width = (Math.min(n, 40) + 2) + 'ch';
    });
  }

  _rowNode(row) {
    if (row.node) return row.node;
    const tr = phyElement('tr');
    row.cells.forEach((text, j) => tr.append(phyElement('td', row.num[j] ? 'num' : '', text)));
    tr.phyRow = row;
    row.node = tr;
    return tr;
  }

  _scheduleRender() {
    if (this.renderPending) return;
    this.renderPending = true;
    requestAnimationFrame(() => { this.renderPending = false; this.render(); });
  }

  _visibleRange() {
    // The positions to draw: [start, end), and the end if there were rows enough (`room`).
    const h = this.rowHeight;
    const bodyHeight = this.scroller.clientHeight - this.thead.offsetHeight;
    // Where the page scrolls once the rows are drawn (fewer rows than before: not so far).
    const top = Math.max(0, Math.min(this.scroller.scrollTop, this.view.length * h - bodyHeight));
    const start = Math.max(0, Math.floor(top / h) - PHY_OVERSCAN);
    const shown = bodyHeight > 0 ? Math.ceil(bodyHeight / h) : PHY_OVERSCAN;
    const room = Math.floor(top / h) + shown + PHY_OVERSCAN;
    return [start, Math.min(this.view.length, room), room];
  }

  _emptyRow() {
    // A row drawn in place of a row whose cells have not arrived yet.
    const tr = phyElement('tr', 'pending');
    tr.append(phyElement('td'));
    tr.firstChild.colSpan = Math.max(1, this.columns.length);
    return tr;
  }

  render() {
    const [start, end, room] = this._visibleRange();
    const nodes = [this.topPad];
    const lacking = [];
    let firstRow = null;
    for (let i = start; i < end; i++) {
      const row = this.rows.get(this.view[i]);
      if (row === undefined) {
        lacking.push(this.view[i]);
        nodes.push(this._emptyRow());
        continue;
      }
      firstRow = firstRow || row;
      const tr = this._rowNode(row);
      const k = this.selectedIndex.get(row.id);
      setIfChanged(tr, 'className',
                   'row' + (row.cls ? ' ' + row.cls : '') + (k === undefined ? '' : ' selected'));
      if (k !== undefined && this.colors.length) {
        const color = this.colors[(k + this.colorOffset) % this.colors.length];
        if (tr.style.getPropertyValue('--select-color') !== color) {
          tr.style.setProperty('--select-color', color);
        }
      }
      nodes.push(tr);
    }
    nodes.push(this.bottomPad);
    setIfChanged(this.topPad.firstChild.style, 'height', (start * this.rowHeight) + 'px');
    setIfChanged(this.bottomPad.firstChild.style, 'height',
                 ((this.view.length - end) * this.rowHeight) + 'px');
    this._place(nodes);
    this.missing = lacking.length;
    this._request(start, room, lacking);
    if (!this.rowHeightMeasured && firstRow !== null) {
      const h = firstRow.node.getBoundingClientRect().height;
      if (h > 0) {
        this.rowHeightMeasured = true;
        if (Math.abs(h - this.rowHeight) > 0.01) { this.rowHeight = h; this.render(); }
      }
    }
  }

  _place(nodes) {
    // Make the rows of the body these nodes, moving only those not already in place: the
    // browser then lays out and paints again only the rows that changed.
    const keep = new Set(nodes);
    for (const child of Array.from(this.tbody.children)) {
      if (!keep.has(child)) child.remove();
    }
    let current = this.tbody.firstChild;
    for (const node of nodes) {
      if (node === current) current = current.nextSibling;
      else this.tbody.insertBefore(node, current);
    }
  }

  _request(start, end, lacking) {
    // Tell Python the positions the page draws when they change, with the rows lacking there.
    const ids = lacking.filter(id => !this.requested.has(id));
    if (start === this.drawn[0] && end === this.drawn[1] && !ids.length) return;
    this.drawn = [start, end];
    ids.forEach(id => this.requested.add(id));
    this._emit('fetch', {start: start, end: end, ids: ids});
  }

  // --------------------------------------------------------------------------------------
  // State from Python
  // --------------------------------------------------------------------------------------

  update(patch) {
    /*
     * patch: {reset (forget all rows), columns, widths (longest text of each column), rows
     * (rows to add or replace), removed (ids), ids (the shown order), sort, filter,
     * filterError, selected, offset}; each key is optional. A row is
     * {id, cells: [texts], num: [booleans], cls: 'classes'}.
     */
    if (patch.reset) {
      this.rows = new Map();
      this.requested.clear();
      this.drawn = [0, 0];
    }
    if (patch.columns !== undefined) {
      this.columns = patch.columns;
      this._buildHeader();
    }
    for (const id of (patch.removed || [])) this.rows.delete(id);
    for (const row of (patch.rows || [])) {
      row.node = null;
      this.rows.set(row.id, row);
      this.requested.delete(row.id);
    }
    if (patch.widths !== undefined) this._setColumnWidths(patch.widths);
    if (patch.ids !== undefined) {
      this.view = patch.ids;
      this.requested.clear();  // ask again for what is still lacking in the new order
    }
    if (patch.sort !== undefined) this.sort = patch.sort;
    if (patch.filter !== undefined && !patch.filterError &&
        this.input.value.trim() !== patch.filter && document.activeElement !== this.input) {
      this.input.value = patch.filter;
    }
    if (patch.filterError !== undefined) {
      this.input.classList.toggle('invalid', patch.filterError !== null);
      this.input.title = patch.filterError || '';
    }
    if (patch.selected !== undefined) {
      this.selected = patch.selected;
      this.selectedIndex = new Map(this.selected.map((id, i) => [id, i]));
    }
    if (patch.offset !== undefined) this.colorOffset = patch.offset;
    this._updateHeader();
    this.render();
  }

  getIds() {
    return this.view.slice();
  }

  // --------------------------------------------------------------------------------------
  // Requests to Python
  // --------------------------------------------------------------------------------------

  sortBy(name, dir) {
    this._emit('sort_by', {name: name, dir: dir || 'asc'});
  }

  filter(text) {
    clearTimeout(this.filterTimer);
    this._emit('filter', {text: text || ''});
  }

  select(ids, kwargs) {
    this._emit('select', {ids: ids, kwargs: kwargs || {}});
  }

  // --------------------------------------------------------------------------------------
  // Misc
  // --------------------------------------------------------------------------------------

  scrollTo(id) {
    // Scroll the least so that a row is visible.
    const i = this.view.indexOf(id);
    if (i < 0) return;
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

  showError(message) {
    // Show an error (empty: hide it) above the rows.
    this.error.textContent = message || '';
    this.error.classList.toggle('shown', !!message);
  }

  _emit(name, data) {
    if (window.phy) window.phy.emit(name, data);
  }
}
