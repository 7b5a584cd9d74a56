// The door: each scan (a handheld scanner types the code and Enter) is sent without
// leaving the page, the answer is shown large, and the input is ready for the next one.
// Without JavaScript the forms post normally and the page shows the same answer.
document.addEventListener("DOMContentLoaded", () => {
  const page = document.querySelector(".checkin");
  const form = document.getElementById("checkin-form");
  const input = document.getElementById("id_code");
  const result = document.getElementById("result");
  const count = page.querySelector("[data-count]");

  const showCount = (data) => {
    count.textContent = data.count_text;
  };

  const show = (data) => {
    result.hidden = false;
    result.className = `checkin-result mt-3 checkin-${data.light}`;
    result.dataset.light = data.light;
    result.querySelector("[data-name]").textContent = data.name;
    result.querySelector("[data-message]").textContent = data.message;
    result.querySelector("[data-details]").textContent = data.details;
    showCount(data);
  };

  const send = async (code) => {
    const body = new FormData(form);
    body.set("code", code);
    const response = await fetch(window.location.pathname, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(response.status);
    show(await response.json());
  };

  const submit = async (code) => {
    try {
      await send(code);
    } catch (error) {
      input.value = code;
      form.submit(); // the page itself will answer
      return;
    }
    input.value = "";
    input.focus();
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) submit(input.value.trim());
  });

  document.querySelectorAll(".checkin-by-reference").forEach((personForm) => {
    personForm.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(personForm.elements.code.value).then(() => window.scrollTo(0, 0));
    });
  });

  const refreshCount = async () => {
    const response = await fetch(page.dataset.countUrl, { headers: { Accept: "application/json" } });
    if (response.ok) showCount(await response.json());
  };
  setInterval(() => refreshCount().catch(() => {}), 15000);

  // The phone's camera, where the browser can read QR codes itself.
  const cameraButton = document.getElementById("camera-button");
  const video = document.getElementById("camera");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  cameraButton.hidden = false;
  cameraButton.addEventListener("click", async () => {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    cameraButton.disabled = true;
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      cameraButton.disabled = false; // no permission or no camera: the input still works
      input.focus();
      return;
    }
    video.hidden = false;
    await video.play();
    let lastCode = "";
    const look = async () => {
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length && codes[0].rawValue !== lastCode) {
        lastCode = codes[0].rawValue;
        await submit(lastCode);
        setTimeout(() => { lastCode = ""; }, 3000);
      }
      requestAnimationFrame(look);
    };
    look();
  });
});
