/* Local stand-in for a tweet widget script: marks tweet blockquotes as rendered. */
(function () {
  document.querySelectorAll('blockquote.twitter-tweet').forEach(function (q) {
    q.classList.add('twitter-tweet-rendered');
    q.setAttribute('data-rendered', 'true');
  });
})();
