// The Lantern: a client-rendered news app in plain JavaScript (no build step).
// Every path is served the same shell; this script routes with history.pushState,
// fetches the front page list and each story from the JSON API, and adds the
// story's JSON-LD to the document in the browser.

const SITE = "The Lantern";
const root = document.getElementById("root");

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function printedDate(iso, timeZone) {
  // the outlet prints its dates in its own time zone, whatever the reader's
  return new Intl.DateTimeFormat("en-GB", {
    timeZone, day: "numeric", month: "long", year: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  }).format(new Date(iso));
}

function setHead(title, { description = "", canonical = "" } = {}) {
  document.title = title;
  for (const stale of document.head.querySelectorAll("[data-app]")) stale.remove();
  if (description) document.head.append(el("meta", { name: "description", content: description, "data-app": "" }));
  if (canonical) document.head.append(el("link", { rel: "canonical", href: canonical, "data-app": "" }));
}

function addJsonLd(data) {
  const script = el("script", { type: "application/ld+json", "data-app": "" });
  script.textContent = JSON.stringify(data);
  document.head.append(script);
}

function masthead() {
  return el("header", { class: "masthead" }, el("a", { href: "/", "data-link": "", class: "brand", text: SITE }));
}

function card(story, timeZone) {
  return el("article", { class: "card" },
    el("img", { src: story.image, alt: "", width: "320", height: "180" }),
    el("p", { class: "kicker", text: story.section }),
    el("h2", {}, el("a", { href: story.path, "data-link": "", text: story.title })),
    el("p", { class: "summary", text: story.summary }),
    el("time", { datetime: story.published, text: printedDate(story.published, timeZone) }));
}

async function frontPage() {
  const timeZone = "Europe/Berlin";
  setHead(`${SITE}: news from the city`);
  const list = el("section", { class: "stories" });
  const button = el("button", { type: "button", class: "load-more", text: "Load more stories" });
  root.replaceChildren(masthead(), el("main", {}, el("h1", { class: "visually-hidden", text: "Latest news" }), list, button));
  let next = { offset: 0, limit: 8 };
  async function load() {
    button.disabled = true;
    const page = await api(`/api/stories?offset=${next.offset}&limit=${next.limit}`);
    for (const story of page.stories) list.append(card(story, timeZone));
    next = page.next;
    button.disabled = false;
    if (!next) button.remove();
  }
  button.addEventListener("click", load);
  await load();
}

async function storyPage(slug) {
  const { story } = await api(`/api/stories/${slug}`);
  setHead(`${story.title} | ${SITE}`, { description: story.summary, canonical: story.canonical });
  addJsonLd({
    "@context": "https://schema.org", "@type": "NewsArticle",
    headline: story.title, alternativeHeadline: story.subtitle, description: story.summary,
    datePublished: story.published, dateModified: story.modified, articleSection: story.section,
    keywords: story.tags, inLanguage: "en", mainEntityOfPage: story.canonical,
    image: [new URL(story.image, location.href).href],
    author: story.authors.map((name) => ({ "@type": "Person", name })),
    publisher: { "@type": "NewsMediaOrganization", name: SITE },
  });
  const byline = el("p", { class: "byline" }, "By ");
  story.authors.forEach((name, i) => {
    if (i) byline.append(i === story.authors.length - 1 ? " and " : ", ");
    byline.append(el("span", { class: "author", text: name }));
  });
  const article = el("article", { class: "story" },
    el("p", { class: "kicker", text: story.section }),
    el("h1", { text: story.title }),
    el("p", { class: "standfirst", text: story.subtitle }),
    byline,
    el("time", { datetime: story.published, text: printedDate(story.published, story.timeZone) }),
    el("figure", {}, el("img", { src: story.image, alt: story.caption, width: "640", height: "360" }),
      el("figcaption", {}, el("span", { text: story.caption }), " ", el("span", { class: "credit", text: story.credit }))),
    el("div", { class: "story-body" }, ...story.body.map((p) => el("p", { text: p }))),
    el("ul", { class: "tags" }, ...story.tags.map((t) => el("li", { text: t }))));
  root.replaceChildren(masthead(), el("main", {}, article));
}

function notFound() {
  setHead(`Page not found | ${SITE}`);
  root.replaceChildren(masthead(), el("main", {}, el("h1", { text: "Page not found" })));
}

async function route() {
  const story = location.pathname.match(/^\/news\/\d{4}\/\d{2}\/\d{2}\/([a-z0-9-]+)$/);
  try {
    if (location.pathname === "/") await frontPage();
    else if (story) await storyPage(story[1]);
    else notFound();
  } catch (error) {
    console.error(error);
    notFound();
  }
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-link]");
  if (!link || link.origin !== location.origin || event.ctrlKey || event.metaKey) return;
  event.preventDefault();
  history.pushState({}, "", link.href);
  window.scrollTo(0, 0);
  route();
});
window.addEventListener("popstate", route);
route();
