/* Participant screens: enhancements only. Every page works without this file.
   1. Read aloud: shown only when the device has a speech voice for the page's language.
   2. Instant answer: a tap on an answer saves it and moves on (not for keyboard users,
      who move between options with the arrow keys and press Next themselves).
   3. One submit per screen, so a double tap sends one request. */
(function () {
  "use strict";

  function primary(tag) { return (tag || "").toLowerCase().replace("_", "-").split("-")[0]; }

  function voiceFor(tag) {
    if (!("speechSynthesis" in window)) { return null; }
    var want = (tag || "").toLowerCase().replace("_", "-");
    var voices = window.speechSynthesis.getVoices();
    var exact = voices.filter(function (v) { return v.lang.toLowerCase().replace("_", "-") === want; });
    if (exact.length) { return exact[0]; }
    var same = voices.filter(function (v) { return primary(v.lang) === primary(want); });
    return same.length ? same[0] : null;
  }

  function textToRead(button) {
    var scope = button.closest("form") || document;
    return Array.prototype.map.call(scope.querySelectorAll("[data-read]"), function (el) {
      return el.textContent.replace(/\s+/g, " ").trim();
    }).join(". ");
  }

  function setUpReadAloud() {
    var buttons = document.querySelectorAll(".read-aloud[data-speech-lang]");
    if (!buttons.length || !("speechSynthesis" in window)) { return; }
    function refresh() {
      buttons.forEach(function (button) {
        button.hidden = !voiceFor(button.dataset.speechLang);
      });
    }
    buttons.forEach(function (button) {
      var label = button.querySelector("span");
      var readLabel = label.textContent;
      button.addEventListener("click", function () {
        var synth = window.speechSynthesis;
        if (synth.speaking) { synth.cancel(); label.textContent = readLabel; return; }
        var utterance = new SpeechSynthesisUtterance(textToRead(button));
        utterance.voice = voiceFor(button.dataset.speechLang);
        utterance.lang = utterance.voice ? utterance.voice.lang : button.dataset.speechLang;
        utterance.rate = 0.9;
        utterance.onend = function () { label.textContent = readLabel; };
        label.textContent = button.dataset.stopLabel;
        synth.speak(utterance);
      });
    });
    refresh();
    window.speechSynthesis.addEventListener("voiceschanged", refresh);
  }

  var lastPointer = 0;
  document.addEventListener("pointerdown", function () { lastPointer = Date.now(); }, true);

  function setUpInstantAnswer() {
    document.querySelectorAll("form[data-instant]").forEach(function (form) {
      form.addEventListener("change", function (event) {
        var target = event.target;
        if (target.type !== "radio" || Date.now() - lastPointer > 1500) { return; }
        window.setTimeout(function () {
          if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
        }, 250);  /* long enough to see the choice light up */
      });
    });
  }

  function setUpSingleSubmit() {
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
      });
    });
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[data-sent]").forEach(function (form) { delete form.dataset.sent; });
    });
  }

  setUpReadAloud();
  setUpInstantAnswer();
  setUpSingleSubmit();
}());
