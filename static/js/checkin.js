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

  const idChecked = document.getElementById("id-checked-form");
  const photo = result.querySelector("[data-photo]");

  const show = (data) => {
    result.hidden = false;
    result.className = `checkin-result mt-3 checkin-${data.light}`;
    result.dataset.light = data.light;
    result.querySelector("[data-name]").textContent = data.name;
    result.querySelector("[data-message]").textContent = data.message;
    result.querySelector("[data-details]").textContent = data.details;
    photo.hidden = !data.photo;
    if (data.photo) photo.src = data.photo;
    else photo.removeAttribute("src");
    idChecked.hidden = data.light !== "check-id";
    idChecked.elements.confirmation.value = data.confirmation || "";
    showCount(data);
  };

  const send = async (field, value) => {
    const body = new FormData(form);
    body.delete("code");
    body.set(field, value);
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
      await send("code", code);
    } catch (error) {
      input.value = code;
      form.submit(); // the page itself will answer
      return;
    }
    input.value = "";
    if (idChecked.hidden) input.focus();
    else idChecked.querySelector("button").focus();
  };

  // A bare reference: checked in only once the door has compared the ID with the name.
  idChecked.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await send("confirmation", idChecked.elements.confirmation.value);
    } catch (error) {
      idChecked.submit();
      return;
    }
    input.focus();
  });
  idChecked.querySelector("[data-id-mismatch]").addEventListener("click", (event) => {
    event.preventDefault();
    result.hidden = true;
    input.focus();
  });

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
