/* The Moscow Times sample: front page from JSON, "View more articles", social embeds. */
(function () {
  function esc(s) { var d = document.createElement('div'); d.textContent = s == null ? '' : String(s); return d.innerHTML; }
  function excerpt(a) {
    var bem = 'article-excerpt-default';
    var authors = a.opinion ? a.authors.map(function (n) { return '<span class="' + bem + '__author">' + esc(n) + '</span>'; })
      .join('<span class="' + bem + '__author">&nbsp;and&nbsp;</span>') : '';
    return '<div class="col-4 col-12-md col-4-sm"><div class="' + bem + ' ' + bem + '--' + esc(a.section) + '" data-url="' + esc(a.url) + '" data-title="' + esc(a.title) + '">' +
      '<a href="' + esc(a.url) + '" class="' + bem + '__link" title="' + esc(a.title) + '">' +
      '<div class=" ' + bem + '__image-wrapper"><figure><img y-use="Image" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" data-src="' + esc(a.image) + '" alt="" /></figure></div>' +
      '<div class="' + bem + '__content"><span class="label ' + bem + '__label">' + esc(a.label) + '</span>' + authors +
      '<h3 class="' + bem + '__headline">' + esc(a.title) + '</h3><div class="' + bem + '__teaser">' + esc(a.teaser) + '</div></div></a></div></div>';
  }
  function lazy(root) { window.LazyImages && window.LazyImages.scan(root); }

  var home = document.querySelector('[y-use="Home"]');
  if (home) {
    fetch(home.getAttribute('data-url'), { headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var items = home.querySelector('[y-name="items"]');
        items.innerHTML = data.articles.map(excerpt).join('');
        home.setAttribute('data-loaded', 'true');
        lazy(items);
      });
  }

  document.querySelectorAll('[y-use="More"]').forEach(function (more) {
    var offset = parseInt(more.getAttribute('data-start'), 10);
    var step = parseInt(more.getAttribute('data-step'), 10);
    var button = more.querySelector('.button');
    var busy = false;
    button.addEventListener('click', function () {
      if (busy) return;
      busy = true;
      var xhr = new XMLHttpRequest();
      xhr.open('GET', more.getAttribute('data-url').replace('{{offset}}', offset));
      xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
      xhr.onload = function () {
        busy = false;
        var tmp = document.createElement('div');
        tmp.innerHTML = xhr.responseText;
        var cards = Array.prototype.slice.call(tmp.children);
        cards.forEach(function (card) { more.parentNode.insertBefore(card, more); lazy(card); });
        offset += step;
        if (cards.length < step) more.parentNode.removeChild(more);
      };
      xhr.send();
    });
  });
})();
