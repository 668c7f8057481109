// Printing shows every chart's data table, in browsers whose print styles cannot open a closed
// <details> (site.css opens them with ::details-content where it is supported; this covers the
// rest). Before printing, each closed <details> is opened; after, those it opened are closed
// again, so the page looks as the reader left it. Without JavaScript nothing else is lost.
const opened = [];
addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details:not([open])")) {
    details.open = true;
    opened.push(details);
  }
});
addEventListener("afterprint", () => {
  for (const details of opened.splice(0)) {
    details.open = false;
  }
});
