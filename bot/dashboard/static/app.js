// complaint-bot dashboard: draws the charts of a page (<canvas data-chart='Chart.js config'>) with
// the system's Chart.js (/static/chart.min.js) and reloads the 现在 view every minute. Served as
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
  var refresh = Number(document.body.dataset.refresh || 0);
  if (refresh > 0) setTimeout(function () { window.location.reload(); }, refresh * 1000);
});
