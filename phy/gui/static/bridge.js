/*
 * The page side of the Python <-> JavaScript bridge of phy's HTMLWidget.
 *
 * HTMLWidget injects this script (after Qt's qwebchannel.js) into every page it loads. It
 * defines `window.phy.emit(name, data)`, which sends an event with JSON-serializable data to
 * Python, where it is emitted on phy's event bus. Events emitted before the web channel is
 * connected are queued. Once connected, the page sends the `ready` event.
 */
(function () {
  'use strict';
  const queue = [];
  let bridge = null;

  function send(name, data) {
    bridge.emit(name, JSON.stringify(data === undefined ? null : data));
  }

  window.phy = {
    emit: function (name, data) {
      if (bridge) send(name, data);
      else queue.push([name, data]);
    },
  };

  function connect() {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.phy_bridge;
      queue.splice(0).forEach(function (item) { send(item[0], item[1]); });
      send('ready', null);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', connect);
  else connect();
})();
