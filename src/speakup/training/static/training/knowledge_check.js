// Progressive enhancement only: without this script the knowledge check keeps answers through
// its "Save and come back later" button. With it, each answer is saved as it is chosen, so a
// worker called away (the tab closed, the session ended) finds their answers when they return.
function saveAsYouGo(form) {
  const status = form.querySelector("[data-save-status]");
  let saving = Promise.resolve();
  // Once the form is sent (Submit, or the button), saves still waiting are not sent: arriving
  // after the submit, they would bring back the answers it empties. (The server refuses a save
  // for an attempt already submitted, too, for one already on its way.)
  let sent = false;

  function say(text) {
    if (sent) return; // the page is moving on
    if (status.textContent !== text) status.textContent = text; // read out only what changed
  }

  async function save() {
    if (sent) return;
    const answers = new FormData(form);
    answers.set("save", "yes");
    // A redirect means the answers were not kept (the session has ended): not followed.
    const response = await fetch(form.action || window.location.href, {
      method: "POST",
      body: answers,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Speakup-Save": "as-you-go" },
    }).catch(() => null);
    if (response && response.status === 204) {
      say("Your answers so far are saved.");
    } else if (response && response.status === 409) {
      // These questions were submitted meanwhile, in another tab.
      say(
        "Your latest answers are not saved: these questions have already been submitted, " +
          "perhaps in another tab. Reload this page to see where you are.",
      );
    } else if (response && response.type === "opaqueredirect") {
      // Signed out: the button would lose these answers too, taking the worker to sign in.
      say(
        "You have been signed out, so your latest answers are not saved. " +
          "Reload this page to sign in again, then choose those answers again.",
      );
    } else {
      say(
        "Your answers could not be saved just now. " +
          "Choose “Save and come back later” before you leave this page.",
      );
    }
  }

  form.addEventListener("change", (event) => {
    if (event.target.type !== "radio") return;
    // One save at a time, in the order chosen, so an earlier save never overwrites a later one.
    saving = saving.then(save);
  });
  form.addEventListener("submit", () => {
    sent = true;
  });
  // Back to this page from the next (kept by the browser as it was): answers chosen now are
  // sent, and the server's 409 says these questions were submitted.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) sent = false;
  });
}

document.querySelectorAll("form[data-save-as-you-go]").forEach(saveAsYouGo);
