/* Cookie-consent overlay shared by the sample outlets (CMP-like).
   Markup: [data-consent-banner data-consent-cookie=NAME] with [data-consent-accept] / [data-consent-reject]. */
(function () {
  var banner = document.querySelector('[data-consent-banner]');
  if (!banner) return;
  var name = banner.getAttribute('data-consent-cookie') || 'cookie_consent';
  function has(cookie) { return document.cookie.split(/;\s*/).some(function (c) { return c.indexOf(cookie + '=') === 0; }); }
  function close(value) {
    var expires = new Date(Date.now() + 365 * 864e5).toUTCString();
    document.cookie = name + '=' + encodeURIComponent(value) + '; expires=' + expires + '; path=/; SameSite=Lax';
    banner.parentNode && banner.parentNode.removeChild(banner);
    document.documentElement.classList.remove('consent-open');
  }
  if (has(name)) { close(new Date().toISOString()); return; }
  document.documentElement.classList.add('consent-open');
  var accept = banner.querySelector('[data-consent-accept]');
  var reject = banner.querySelector('[data-consent-reject]');
  accept && accept.addEventListener('click', function () { close(new Date().toISOString()); });
  reject && reject.addEventListener('click', function () { close('rejected'); });
})();
