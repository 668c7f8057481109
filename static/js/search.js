// Search, as a progressive enhancement: without JavaScript the page lists every article.
// Loads the Pagefind bundles named in the form's data-bundles attribute (fingerprinted;
// a large site is indexed in several, merged here into one search), runs the query from
// the box or from ?q=, and lists results with their excerpts.
const form = document.querySelector(".search-form");
const box = document.getElementById("search-query");
const results = document.getElementById("search-results");
let pagefind;

async function loadIndex([first, ...others]) {
  const index = await import(first + "pagefind.js");
  for (const other of others) {
    await index.mergeIndex(other);
  }
  return index;
}

async function search(query) {
  pagefind ??= await loadIndex(form.dataset.bundles.split(" "));
  const found = await pagefind.search(query);
  const pages = await Promise.all(found.results.slice(0, 20).map((result) => result.data()));
  results.replaceChildren();
  const heading = document.createElement("h2");
  // The wording comes from the page (templates/strings/), so each language reads naturally.
  const template = pages.length ? form.dataset.results : form.dataset.noResults;
  heading.textContent = template.replace("{query}", query).replace("{count}", found.results.length);
  results.append(heading);
  const list = document.createElement("ol");
  for (const page of pages) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = page.meta.url; // the page's own URL, named in its data-pagefind-meta
    link.textContent = page.meta.title;
    const excerpt = document.createElement("p");
    // Pagefind's excerpt is our own page text with <mark> around the matches.
    excerpt.innerHTML = page.excerpt;
    item.append(link, excerpt);
    list.append(item);
  }
  results.append(list);
}

if (form) {
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = box.value.trim();
    if (query) {
      history.replaceState(null, "", `?q=${encodeURIComponent(query)}`);
      search(query);
    }
  });
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    box.value = initial;
    search(initial);
  }
}
