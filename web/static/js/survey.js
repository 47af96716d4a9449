// The satisfaction survey after a call (`_survey.html`), used by the reserved call page and the
// live page: 1-5 (a radio group with words, not colour), "was your issue resolved?", an optional
// comment. Submit or Skip; one answer per session (the server answers 409 to a second one).
//
//   const survey = createSurvey(document.getElementById("survey"), { onDone });
//   survey.show({ sessionId, token });  // token: the booking link token, or a walk-in's contact token
//   survey.hide();
import { api, ApiError, setStatus } from "./api.js";
import { focusOn } from "./dom.js";
import { clearErrors, showErrors } from "./forms.js";
import { t } from "./i18n.js";

const COMMENT_MAX = 500;

/**
 * @param {HTMLElement} root  the `_survey.html` section
 * @param {object} [options]
 * @param {(outcome: "sent"|"already"|"skipped"|"gone") => void} [options.onDone]
 */
export function createSurvey(root, { onDone = () => {} } = {}) {
  const $ = (id) => root.querySelector(`#${id}`);
  const form = $("survey-form");
  const summary = $("sv-summary");
  const comment = $("sv-comment");
  const counter = $("sv-comment-count");
  const submit = $("sv-submit");
  const skip = $("sv-skip");
  const progress = $("sv-progress");
  const result = $("sv-result");
  let target = null; // {sessionId, token}
  let sending = false;

  function updateCount() {
    const n = comment.value.length;
    counter.textContent = t("chat.count", { n, max: COMMENT_MAX });
    counter.dataset.state = n >= COMMENT_MAX ? "full" : n >= COMMENT_MAX * 0.9 ? "near" : "";
  }

  function busy(on) {
    sending = on;
    submit.setAttribute("aria-disabled", String(on));
    skip.setAttribute("aria-disabled", String(on));
    progress.hidden = !on;
    progress.textContent = on ? t("survey.sending") : "";
  }

  /** The survey is over (sent, already answered, skipped, or no longer possible): say so. */
  function finish(outcome, key, kind) {
    form.hidden = true;
    result.textContent = t(key);
    result.className = `notice notice-${kind}`;
    result.hidden = false;
    setStatus(t(key), kind === "error" ? "error" : "ok");
    focusOn(result);
    target = null;
    onDone(outcome);
  }

  function answer() {
    const stars = form.querySelector('input[name="stars"]:checked');
    const resolved = form.querySelector('input[name="resolved"]:checked');
    const body = {
      stars: stars ? Number(stars.value) : null,
      resolved: resolved ? resolved.value === "yes" : null,
    };
    const text = comment.value.trim();
    if (text) body.comment = text;
    return body;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending || !target) return;
    const body = answer();
    const errors = {};
    if (!body.stars) errors.stars = t("field.stars");
    if ((body.comment || "").length > COMMENT_MAX) errors.comment = t("field.comment");
    if (Object.keys(errors).length) {
      showErrors(form, summary, errors);
      setStatus(t("form.fix_errors"), "error");
      return;
    }
    clearErrors(form, summary);
    busy(true);
    try {
      await api("POST", `/api/sessions/${encodeURIComponent(target.sessionId)}/survey`, {
        body,
        token: target.token,
        quiet: true,
      });
      finish("sent", "survey.thanks", "success");
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        finish("already", "survey.already", "warning");
      } else if (error instanceof ApiError && [401, 403, 404, 410].includes(error.status)) {
        finish("gone", "survey.gone", "error");
      } else if (error instanceof ApiError && error.status === 422) {
        const fields = {};
        for (const name of Object.keys(error.fields || {})) {
          const short = String(name).split(".").pop();
          if (["stars", "resolved", "comment"].includes(short)) fields[short] = t(`field.${short}`);
        }
        if (!Object.keys(fields).length) fields.stars = t("field.stars");
        showErrors(form, summary, fields);
        setStatus(t("form.fix_errors"), "error");
      } else {
        // The network or the server: the answers stay, and Submit can be pressed again.
        setStatus(t("survey.failed"), "error");
        result.textContent = t("survey.failed");
        result.className = "notice notice-error";
        result.hidden = false;
      }
    } finally {
      busy(false);
    }
  });

  skip.addEventListener("click", () => {
    if (sending || !target) return;
    finish("skipped", "survey.skipped", "success");
  });
  comment.addEventListener("input", updateCount);

  return {
    /** Ask about `sessionId`; `token` authorizes the answer (booking link or contact token). */
    show({ sessionId, token }) {
      if (!sessionId || !token) return false;
      target = { sessionId, token };
      form.reset();
      clearErrors(form, summary);
      updateCount();
      form.hidden = false;
      result.hidden = true;
      root.hidden = false;
      return true;
    },

    hide() {
      target = null;
      root.hidden = true;
    },

    get open() {
      return Boolean(target);
    },
  };
}
