/* Lazy images: <img data-src=...> gets its real src when it nears the viewport. */
(function () {
  function load(img) {
    if (!img.getAttribute('data-src')) return;
    img.src = img.getAttribute('data-src');
    img.removeAttribute('data-src');
    img.classList.add('is-loaded');
  }
  var observer = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); load(entry.target); }
    });
  }, { rootMargin: '200px 0px' }) : null;
  function scan(root) {
    (root || document).querySelectorAll('img[data-src]').forEach(function (img) {
      observer ? observer.observe(img) : load(img);
    });
  }
  window.LazyImages = { scan: scan };
  scan(document);
})();
