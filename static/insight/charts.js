/* The program dashboard's charts (Chart.js, static/vendor/chartjs): each canvas draws the table
   it names, so the numbers a screen reader or a copy reads are the ones drawn. No inline script
   or style: the figures come from the table's cells (data-value), colours from the admin's CSS. */
(function () {
  'use strict';

  function css(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  // A long label on several lines (Chart.js draws an array as lines), so it is not cut off.
  function lines(label) {
    if (label.length <= 22) { return label; }
    const out = [];
    label.split(' ').forEach(function (word) {
      const last = out.length - 1;
      if (last >= 0 && (out[last] + ' ' + word).length <= 22) { out[last] += ' ' + word; } else { out.push(word); }
    });
    return out;
  }

  function tableData(table) {
    const labels = [];
    const values = [];
    table.querySelectorAll('tbody tr').forEach(function (row) {
      const head = row.querySelector('th');
      const cell = row.querySelector('td[data-value]');
      if (!head || !cell) { return; }
      labels.push(lines(head.textContent.trim().replace(/\s+/g, ' ')));
      values.push(parseFloat(cell.dataset.value) || 0);
    });
    return { labels: labels, values: values };
  }

  function draw(canvas) {
    const table = document.getElementById(canvas.dataset.table);
    if (!table || !window.Chart) { return null; }
    const data = tableData(table);
    if (!data.values.length) { canvas.closest('figure').hidden = true; return null; }
    const text = css('--body-fg', '#333');
    const grid = css('--hairline-color', '#e8e8e8');
    const unit = canvas.dataset.unit || '';
    const valueAxis = {
      beginAtZero: true,
      max: canvas.dataset.max ? parseFloat(canvas.dataset.max) : undefined,
      ticks: { color: text, precision: 0, callback: function (v) { return v + (unit ? ' ' + unit : ''); } },
      grid: { color: grid },
    };
    const labelAxis = { ticks: { color: text, autoSkip: true }, grid: { display: false } };
    const horizontal = canvas.dataset.horizontal === '1';
    return new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: [{ data: data.values, backgroundColor: css('--primary', '#17406d'), borderWidth: 0 }],
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      },
    });
  }

  function start() {
    const charts = [];
    document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      const chart = draw(canvas);
      if (chart) { charts.push(chart); }
    });
    // Printed pages are narrower than the screen: redraw at the printed size, and back after.
    function resize() { charts.forEach(function (chart) { chart.resize(); }); }
    window.addEventListener('beforeprint', resize);
    window.addEventListener('afterprint', resize);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
