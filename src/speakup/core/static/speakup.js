// Progressive enhancement only: every page works without this script.
import { ErrorSummary, initAll } from "./nhsuk-frontend.min.js";

initAll();

// The NHS.UK file upload's button shows the file chosen ("No file chosen" at first) above its
// "Choose file or drop file", with only a visually hidden comma between the two in the page's
// text. Its visible text, read without that comma (as axe's check of WCAG 2.5.3, label in name,
// reads it), runs the words together, "No file chosenChoose file", which is then not in the
// button's name. A space keeps them apart; the file chosen is a block of its own, so the button
// looks the same.
document.querySelectorAll(".nhsuk-file-upload__status").forEach((status) => status.after(" "));

// The header's "More" menu (its links that do not fit, on a phone) is NHS.UK frontend's: Escape
// closes it, but leaves focus on the link it hides, so focus falls to the page's start and the
// next Tab goes on from there. Escape from inside the open menu brings focus back to the "More"
// button first, as a menu button should. On the window, capturing: before NHS.UK frontend's own
// handler on the document hides the menu (10.6.1, the latest, has no option for it).
function focusBackOnMoreAfterEscape(moreButton) {
  const menu = moreButton.closest(".nhsuk-header__menu");
  window.addEventListener(
    "keydown",
    (event) => {
      const open = moreButton.getAttribute("aria-expanded") === "true";
      if (event.key === "Escape" && open && menu.contains(document.activeElement)) {
        moreButton.focus();
      }
    },
    true,
  );
}

document.querySelectorAll(".nhsuk-header__menu-toggle").forEach(focusBackOnMoreAfterEscape);

// A page whose work is still going on (a roster upload) marks the part that shows how far it has
// gone with data-refresh-seconds. Fetch the page again that often and bring its progress bar and
// its (live, so read out) status line up to date; once the page no longer has that part, the
// work is done: load the whole page with its result. A fetch that fails for a while (the server
// restarting, the network dropping) is tried again, as the work carries on meanwhile; only an
// answer that will not change (the page gone, access refused) stops it, bringing back the page's
// own refresh link, which is hidden while the script follows the work (its words would say the
// opposite of what the page is doing).
function followProgress(region) {
  const wait = Number(region.dataset.refreshSeconds) * 1000;
  function followed(yes) {
    region.querySelectorAll("[data-refresh-link]").forEach((link) => (link.hidden = yes));
    region.querySelectorAll("[data-followed]").forEach((words) => (words.hidden = !yes));
  }
  async function refresh() {
    const response = await fetch(window.location.href, { credentials: "same-origin" }).catch(
      () => null,
    );
    if (!response || response.status >= 500 || response.status === 429) {
      window.setTimeout(refresh, wait);
      return;
    }
    if (!response.ok) {
      followed(false);
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(region.id);
    if (!fresh) {
      window.location.reload();
      return;
    }
    region.querySelector("progress").value = fresh.querySelector("progress").value;
    const status = region.querySelector("[aria-live]");
    const news = fresh.querySelector("[aria-live]").textContent;
    if (status.textContent !== news) status.textContent = news; // read out only what changed
    window.setTimeout(refresh, wait);
  }
  followed(true);
  window.setTimeout(refresh, wait);
}

document.querySelectorAll("[data-refresh-seconds]").forEach(followProgress);

// A speaker's files (the check answers page of speaking up) are checked as they are chosen, with
// the server's own limits and words (data attributes from concerns/attachments.py): a file the
// server would refuse, a 60 MB video, is named at once in the NHS.UK error pattern, not after
// minutes of sending it on a slow phone, and the form is not sent with it until the speaker
// chooses again. The server still checks every file that is sent; this only saves the wait.
function checkFilesBeforeSending(input) {
  const group = input.closest(".nhsuk-form-group");
  // The label's field: the file upload's button once the design system has enhanced the input.
  const fieldId = group.querySelector("label").htmlFor;
  const errorId = `${fieldId}-error`;
  const limits = input.dataset;
  const types = new Set(limits.fileTypes.split(" "));
  const named = (words, file) => words.replace("{name}", () => file.name);

  // The server judges a file by its bytes and takes any UTF-8 text as plain text, whatever it is
  // called (notes.json, minutes.rtf): only a picture, video or sound of a kind not allowed is
  // refused here, since none is text; any other file is left for the server to judge.
  function ofAnAllowedType(file) {
    const extension = file.name.includes(".") ? `.${file.name.split(".").pop()}` : "";
    const family = file.type.split("/")[0];
    return (
      types.has(file.type) ||
      types.has(extension.toLowerCase()) ||
      !["image", "video", "audio"].includes(family)
    );
  }

  function problems() {
    const files = [...input.files];
    const found = files.length > Number(limits.maxFiles) ? [limits.tooMany] : [];
    for (const file of files) {
      if (file.size === 0) found.push(named(limits.empty, file));
      else if (file.size > Number(limits.maxFileBytes)) found.push(named(limits.tooLarge, file));
      else if (!ofAnAllowedType(file)) found.push(named(limits.wrongType, file));
    }
    return found;
  }

  // What was said of the files chosen before (here or by the server) goes; what is wrong with
  // these is said as the server would: an error summary (focused, role=alert) linking to the
  // field, and the field's error message.
  function show(found) {
    document.querySelector(".nhsuk-error-summary")?.remove();
    group.querySelector(".nhsuk-error-message")?.remove();
    group.classList.toggle("nhsuk-form-group--error", found.length > 0);
    const title = document.title.replace(/^Error: /, "");
    document.title = found.length ? `Error: ${title}` : title;
    for (const described of new Set([input, document.getElementById(fieldId)])) {
      const ids = (described.getAttribute("aria-describedby") || "").split(" ");
      const kept = ids.filter((id) => id && id !== errorId);
      if (found.length) kept.push(errorId);
      described.setAttribute("aria-describedby", kept.join(" "));
    }
    if (!found.length) return;

    const message = document.createElement("span");
    message.className = "nhsuk-error-message";
    message.id = errorId;
    const hidden = document.createElement("span");
    hidden.className = "nhsuk-u-visually-hidden";
    hidden.textContent = "Error: ";
    message.append(hidden, found.join(" "));
    (group.querySelector(".nhsuk-hint") || group.querySelector("label")).after(message);

    const summary = document.createElement("div");
    summary.className = "nhsuk-error-summary";
    summary.dataset.module = "nhsuk-error-summary";
    const alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    const heading = document.createElement("h2");
    heading.className = "nhsuk-error-summary__heading";
    heading.textContent = "There is a problem";
    const body = document.createElement("div");
    body.className = "nhsuk-error-summary__body";
    const list = document.createElement("ul");
    list.className = "nhsuk-list nhsuk-error-summary__list";
    for (const words of found) {
      const link = document.createElement("a");
      link.href = `#${fieldId}`;
      link.textContent = words;
      const item = document.createElement("li");
      item.append(link);
      list.append(item);
    }
    body.append(list);
    alert.append(heading, body);
    summary.append(alert);
    group.closest(".nhsuk-grid-row").before(summary);
    new ErrorSummary(summary); // focuses it, and its links move focus to the field
  }

  input.addEventListener("change", () => show(problems()));
  input.form.addEventListener("submit", (event) => {
    const found = problems();
    if (!found.length) return;
    event.preventDefault();
    show(found);
  });
}

document.querySelectorAll("input[type=file][data-max-file-bytes]").forEach(checkFilesBeforeSending);

// A box holding a table wider than the page (.speakup-table-scroll) scrolls sideways. Only then
// does it take keyboard focus, so that the arrow keys can scroll it (a table that fits adds no
// stop to the tab order), and say so above it: a shadow at its edge is all that shows there are
// more columns, and on a phone the columns cut off may be the ones a reader came for.
function focusableWhileItScrolls(box) {
  const hint = document.createElement("p");
  hint.className = "nhsuk-body-s speakup-scroll-hint";
  hint.textContent = "This table is wider than the page: scroll it sideways to see every column.";
  box.before(hint);
  new ResizeObserver(() => {
    const scrolls = box.scrollWidth > box.clientWidth;
    if (scrolls) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
    hint.hidden = !scrolls;
  }).observe(box);
}

document.querySelectorAll(".speakup-table-scroll").forEach(focusableWhileItScrolls);

// A link inside such a box (the national view's sorting headings), reached by Tab, is scrolled
// wholly into view: browsers leave one that shows a sliver at the box's edge where it is, its
// focus all but hidden on a phone.
document.querySelectorAll(".speakup-table-scroll").forEach((box) => {
  box.addEventListener("focusin", (event) => {
    if (event.target !== box) event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
});

// A page whose access ends at a set time marks a box with the seconds left
// (data-access-seconds): a speaker's concern page, after 30 minutes without use, for their
// privacy on a shared computer (docs/concerns.md), and every page for a signed-in person, when
// their session ends (docs/security.md). Shortly before (data-warn-seconds), the box says so and
// offers to stay (WCAG 2.2.1); its form asks the server for more time, and the same box in the
// answer says how long there is now. When the time is up, the box says access has ended and how
// to get it back; the page stays as it is, with anything typed on it.
// Speaking up posts every step to one address, so that the browser's history does not show the
// step; but the browser cannot go back to a page a post gave ("Confirm Form Resubmission"), and
// a worried speaker reaches for its Back button. So the step adds a history entry of its own,
// and the browser's Back, leaving it, does what the page's Back does: the previous question,
// with the answers kept. Without JavaScript the page's Back still works.
function browserBackGoesToThePreviousQuestion(button) {
  history.pushState({ speakupStep: true }, "");
  window.addEventListener("popstate", () => button.click(), { once: true });
}
document.querySelectorAll("[data-browser-back]").forEach(browserBackGoesToThePreviousQuestion);

function warnBeforeAccessEnds(box) {
  const warnSeconds = Number(box.dataset.warnSeconds);
  const ending = box.querySelector("[data-ended]");
  let timers = [];
  let focusBefore = null;

  function start(seconds) {
    timers.forEach(clearTimeout);
    box.hidden = true;
    ending.hidden = true;
    box.querySelector("[data-warning]").hidden = false;
    timers = [
      setTimeout(
        () => {
          box.hidden = false;
          focusBefore = document.activeElement;
          box.querySelector("[data-stay] button")?.focus();
        },
        (seconds - warnSeconds) * 1000,
      ),
      setTimeout(ended, seconds * 1000),
    ];
  }

  function ended() {
    timers.forEach(clearTimeout);
    box.hidden = false;
    box.querySelector("[data-warning]").hidden = true;
    ending.hidden = false;
    ending.focus();
  }

  box.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const response = await fetch(form.action, {
      method: form.method,
      body: form.method === "post" ? new FormData(form) : undefined,
      credentials: "same-origin",
      redirect: "manual", // signed out: sent to sign in
    }).catch(() => null);
    const answer = response && response.ok ? await response.text() : "";
    const fresh = new DOMParser().parseFromString(answer, "text/html").getElementById(box.id);
    if (!fresh) {
      ended();
      return;
    }
    box.querySelector("[data-warning]").replaceWith(fresh.querySelector("[data-warning]"));
    start(Number(fresh.dataset.accessSeconds));
    focusBefore?.focus();
  });
  start(Number(box.dataset.accessSeconds));
}

document.querySelectorAll("[data-access-seconds]").forEach(warnBeforeAccessEnds);
