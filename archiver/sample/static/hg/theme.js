/* Harbour Gazette theme: infinite scroll over the WordPress REST API. */
(function () {
  var list = document.querySelector('#posts[data-api]');
  var handle = document.querySelector('[data-infinite-scroll]');
  if (!list || !handle || !list.getAttribute('data-api')) return;
  var page = parseInt(list.getAttribute('data-page'), 10);
  var total = parseInt(list.getAttribute('data-total-pages'), 10);
  var busy = false;
  function esc(s) { var d = document.createElement('div'); d.textContent = s; return d.innerHTML; }
  function card(post) {
    var img = post.featured_image_src ? '<a class="post-thumbnail" href="' + esc(post.link) + '" aria-hidden="true" tabindex="-1"><img width="300" height="169" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" data-src="' + esc(post.featured_image_src) + '" class="attachment-medium size-medium wp-post-image" alt=""></a>' : '';
    return '<article id="post-' + post.id + '" class="post-' + post.id + ' post type-post status-publish format-standard hentry">' + img +
      '<header class="entry-header"><h2 class="entry-title"><a href="' + esc(post.link) + '" rel="bookmark">' + post.title.rendered + '</a></h2></header>' +
      '<div class="entry-summary">' + post.excerpt.rendered + '</div></article>';
  }
  function next() {
    if (busy || page >= total) return;
    busy = true;
    fetch(list.getAttribute('data-api') + '&page=' + (page + 1), { headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (posts) {
        var tmp = document.createElement('div');
        tmp.innerHTML = posts.map(card).join('');
        while (tmp.firstChild) { list.appendChild(tmp.firstChild); }
        page += 1;
        list.setAttribute('data-page', page);
        window.LazyImages && window.LazyImages.scan(list);
        busy = false;
        if (page >= total) { handle.parentNode.removeChild(handle); observer.disconnect(); }
      });
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) { if (entry.isIntersecting) next(); });
  }, { rootMargin: '0px 0px 300px 0px' });
  observer.observe(handle);
})();
