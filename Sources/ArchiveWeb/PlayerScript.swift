extension WebAssets {
    /// The task page's replay player. It reads `/api/tasks/ID/events` — each recorded event's time in
    /// the replay and the text a terminal showed for it (`StreamScreen`, the rendering `run` and
    /// `replay` use) — and writes that text into the screen as text nodes only, so nothing in an event
    /// can become markup. Play/pause, speed, a scrubber with the tool calls marked on it (each mark a
    /// button that jumps to its call), and keys: space, ← and →.
    static let playerJS = """
        "use strict";
        (function () {
          const root = document.getElementById("replay");
          if (!root) return;
          const play = document.getElementById("replay-play");
          const speed = document.getElementById("replay-speed");
          const time = document.getElementById("replay-time");
          const seek = document.getElementById("replay-seek");
          const marks = document.getElementById("replay-marks");
          const screen = document.getElementById("replay-screen");
          let frames = [];
          let duration = 0;
          let position = 0;
          let shown = 0;
          let playing = false;
          let startedAt = 0;
          let startedFrom = 0;

          function clock(seconds) {
            const whole = Math.floor(seconds);
            const rest = whole % 60;
            return Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
          }

          // The screen as it stood `to` seconds in: text is added going forward, redrawn going back.
          function draw(to) {
            to = Math.max(0, Math.min(duration, to));
            let count = 0;
            while (count < frames.length && frames[count].at <= to) count++;
            if (count < shown) {
              screen.replaceChildren();
              shown = 0;
            }
            if (count > shown) {
              let text = "";
              for (let i = shown; i < count; i++) text += frames[i].text;
              screen.append(document.createTextNode(text));
              shown = count;
              screen.scrollTop = screen.scrollHeight;
            }
            position = to;
            seek.value = String(to);
            time.textContent = clock(to) + " / " + clock(duration);
          }

          function restartFrom(to) {
            startedFrom = to;
            startedAt = performance.now();
          }

          function tick() {
            if (!playing) return;
            const to = startedFrom + (performance.now() - startedAt) / 1000 * Number(speed.value);
            draw(to);
            if (to >= duration) pause(); else setTimeout(tick, 50);
          }

          function start() {
            if (position >= duration) draw(0);
            playing = true;
            play.textContent = "Pause";
            play.setAttribute("aria-pressed", "true");
            restartFrom(position);
            tick();
          }

          function pause() {
            playing = false;
            play.textContent = "Play";
            play.setAttribute("aria-pressed", "false");
          }

          function jump(to) {
            draw(to);
            if (playing) restartFrom(position);
          }

          function setup(replay) {
            frames = replay.frames.filter(function (frame) { return frame.text !== "" || frame.tool; });
            duration = replay.duration;
            seek.max = String(duration);
            for (const frame of frames) {
              if (!frame.tool) continue;
              const mark = document.createElement("button");
              mark.type = "button";
              mark.className = "mark";
              mark.title = frame.tool + " at " + clock(frame.at);
              mark.setAttribute("aria-label", "Tool " + frame.tool + " at " + clock(frame.at));
              mark.style.left = (duration > 0 ? frame.at / duration * 100 : 0) + "%";
              mark.addEventListener("click", function () { jump(frame.at); });
              marks.append(mark);
            }
            root.hidden = false;
            draw(0);
          }

          play.addEventListener("click", function () { if (playing) pause(); else start(); });
          speed.addEventListener("change", function () { if (playing) restartFrom(position); });
          seek.addEventListener("input", function () { jump(Number(seek.value)); });
          root.addEventListener("keydown", function (event) {
            const tag = event.target.tagName;
            if (tag === "BUTTON" || tag === "SELECT" || tag === "INPUT") return;
            if (event.key === " " || event.key === "k") {
              event.preventDefault();
              if (playing) pause(); else start();
            } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
              event.preventDefault();
              jump(position + (event.key === "ArrowLeft" ? -5 : 5));
            }
          });
          fetch(root.dataset.events, { credentials: "same-origin" })
            .then(function (response) {
              if (!response.ok) throw new Error("HTTP " + response.status);
              return response.json();
            })
            .then(setup)
            .catch(function (error) { console.warn("the replay could not be loaded", error); });
        })();
        """
}
