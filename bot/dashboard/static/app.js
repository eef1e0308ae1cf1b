// complaint-bot dashboard: draws the charts of a page (<canvas data-chart='Chart.js config'>) with
// the system's Chart.js (/static/chart.min.js) and keeps the 现在 view live (a poll of /api/now every
// 30 seconds redraws its rows and counts; the page itself is never reloaded). Served as
// /static/app.js; the pages carry no inline script (CSP). Without Chart.js the tables beside each
// chart say the same.
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  var canvases = document.querySelectorAll('canvas[data-chart]');
  if (typeof window.Chart === 'undefined') {
    canvases.forEach(function (c) { c.parentElement.classList.add('no-chart'); });
  } else {
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.animation = false;
    window.Chart.defaults.maintainAspectRatio = false;
    canvases.forEach(function (c) {
      try {
        new window.Chart(c, JSON.parse(c.dataset.chart));
      } catch (e) {
        c.parentElement.classList.add('no-chart');
        console.warn('chart not drawn: ' + e);
      }
    });
  }
  var live = document.body.dataset.live;
  if (live) setInterval(function () { poll(live); }, 30000);
});

// Redraws the 现在 table and cards from GET /api/now (rules/board rows as the server words them).
function poll(url) {
  fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (res) {
      if (res.status === 401) { window.location.href = document.body.dataset.login || '/login'; return null; }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    })
    .then(function (data) {
      if (!data) return;
      document.querySelectorAll('[data-count]').forEach(function (card) {
        var value = data[card.dataset.count];
        if (value === undefined) return;
        card.querySelector('.value').textContent = String(value);
        if (card.dataset.count === 'late') card.classList.toggle('alert', value > 0);
      });
      var body = document.querySelector('table.board tbody');
      if (body) {
        body.replaceChildren();
        if (data.rows.length === 0) {
          var tr = body.insertRow(), td = tr.insertCell();
          td.colSpan = document.querySelectorAll('table.board thead th').length;
          td.className = 'muted';
          td.textContent = '目前没有待处理的投诉。';
        }
        data.rows.forEach(function (row) {
          var tr = body.insertRow();
          row.cells.forEach(function (cell) {
            var td = tr.insertCell();
            if (cell.cls) td.className = cell.cls;
            if (cell.href) {
              var a = document.createElement('a');
              a.href = cell.href;
              a.textContent = cell.text;
              td.appendChild(a);
            } else {
              td.textContent = cell.text;
            }
          });
        });
      }
      var more = document.querySelector('[data-more]');
      if (more) more.textContent = data.more > 0 ? '另有 ' + data.more + ' 件未列出：按部门筛选，或导出 CSV 查看全部。' : '';
      var updated = document.querySelector('[data-updated]');
      if (updated) updated.textContent = '（' + new Date().toLocaleTimeString('zh-CN', { hour12: false }) + ' 已更新）';
    })
    .catch(function (e) {
      var updated = document.querySelector('[data-updated]');
      if (updated) updated.textContent = '（更新失败：' + e.message + '，稍后重试）';
    });
}
