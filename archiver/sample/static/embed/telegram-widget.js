/* Local stand-in for the Telegram post widget: replaces its <script> with an iframe of the post. */
(function () {
  document.querySelectorAll('script[data-telegram-post]').forEach(function (s) {
    if (s.getAttribute('data-rendered')) return;
    s.setAttribute('data-rendered', '1');
    var frame = document.createElement('iframe');
    frame.id = 'telegram-post-' + s.getAttribute('data-telegram-post').replace(/[^a-z0-9_]+/gi, '-');
    frame.src = s.getAttribute('data-base') + s.getAttribute('data-telegram-post') + '?embed=1';
    frame.width = '100%'; frame.height = '160'; frame.setAttribute('frameborder', '0');
    s.parentNode.insertBefore(frame, s.nextSibling);
  });
})();
