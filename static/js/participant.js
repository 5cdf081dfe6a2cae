/* Participant screens: enhancements only. Every page works without this file.
   1. Read aloud: every text is spoken with a voice for its own language (the nearest `lang`),
      so in "Swedish too" mode the Swedish lines get a Swedish voice. An item with a recorded
      file (data-audio) plays that instead. With no voice for the page's language the button
      stays, disabled, and says so (common for Tigrinya and Somali).
   2. Instant answer: a tap on an answer saves it and moves on (not for keyboard users,
      who move between options with the arrow keys and press Next themselves).
   3. One submit per screen, so a double tap sends one request. */
(function () {
  "use strict";

  var VOICE_WAIT_MS = 1500;  /* voices load after the page in some browsers */

  function normal(tag) { return (tag || "").toLowerCase().replace("_", "-"); }
  function primary(tag) { return normal(tag).split("-")[0]; }

  function voiceFor(tag) {
    if (!("speechSynthesis" in window)) { return null; }
    var want = normal(tag);
    var voices = window.speechSynthesis.getVoices();
    var exact = voices.filter(function (v) { return normal(v.lang) === want; });
    if (exact.length) { return exact[0]; }
    var same = voices.filter(function (v) { return primary(v.lang) === primary(want); });
    return same.length ? same[0] : null;
  }

  /* The texts to read, in order, each with the language of its element: consecutive text of
     one language is one fragment. */
  function fragments(button) {
    var scope = button.closest("form") || document;
    var out = [];
    scope.querySelectorAll("[data-read]").forEach(function (element) {
      var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        var text = node.nodeValue.replace(/\s+/g, " ").trim();
        if (!text) { continue; }
        var owner = node.parentElement.closest("[lang]");
        var lang = owner ? owner.getAttribute("lang") : button.dataset.speechLang;
        var last = out[out.length - 1];
        if (last && last.lang === lang && last.element === element) { last.text += " " + text; }
        else { out.push({ lang: lang, text: text, element: element }); }
      }
    });
    return out;
  }

  function pageLang() { return document.documentElement.getAttribute("lang"); }

  function speak(parts, done) {
    var synth = window.speechSynthesis;
    var spoken = parts.filter(function (part) { return voiceFor(part.lang); });
    spoken.forEach(function (part, index) {
      var utterance = new SpeechSynthesisUtterance(part.text);
      utterance.voice = voiceFor(part.lang);
      utterance.lang = utterance.voice.lang;
      utterance.rate = 0.9;
      if (index === spoken.length - 1) { utterance.onend = done; }
      synth.speak(utterance);
    });
    if (!spoken.length) { done(); }
  }

  function setUpReadAloud() {
    document.querySelectorAll(".read-aloud[data-speech-lang]").forEach(function (button) {
      var label = button.querySelector("span");
      var readLabel = label.textContent;
      var audio = button.dataset.audio ? new Audio(button.dataset.audio) : null;
      var canSpeak = "speechSynthesis" in window;
      var playing = false;

      function stopped() { playing = false; label.textContent = readLabel; }
      function refresh(final) {
        if (audio) { button.hidden = false; return; }
        var voices = canSpeak ? window.speechSynthesis.getVoices() : [];
        if (!voices.length && canSpeak && !final) { return; }  /* still loading */
        var usable = Boolean(voiceFor(pageLang()));
        button.hidden = false;
        button.disabled = !usable;
        if (!playing) { label.textContent = usable ? readLabel : button.dataset.noVoiceLabel; }
      }

      if (audio) { audio.addEventListener("ended", stopped); }
      button.addEventListener("click", function () {
        if (playing) {
          if (audio) { audio.pause(); audio.currentTime = 0; } else { window.speechSynthesis.cancel(); }
          stopped();
          return;
        }
        playing = true;
        label.textContent = button.dataset.stopLabel;
        if (audio) { audio.play().catch(stopped); } else { speak(fragments(button), stopped); }
      });
      refresh(false);
      if (canSpeak) { window.speechSynthesis.addEventListener("voiceschanged", function () { refresh(false); }); }
      window.setTimeout(function () { refresh(true); }, canSpeak ? VOICE_WAIT_MS : 0);
    });
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
