// Shows only the fields of the chosen category, and tells the browser they are required
// (their labels carry the * already). Without JavaScript every group stays visible, none
// is marked required to the browser, and the server requires the chosen category's fields.
document.addEventListener("DOMContentLoaded", () => {
  const errors = document.getElementById("form-errors");
  if (errors) errors.focus();
  const category = document.getElementById("id_category");
  if (!category) return;
  const groups = document.querySelectorAll("[data-for]");
  const update = () => {
    groups.forEach((group) => {
      const shown = group.dataset.for.split(" ").includes(category.value);
      group.hidden = !shown;
      group.querySelectorAll("input, select, textarea").forEach((field) => {
        field.required = shown;
      });
    });
  };
  category.addEventListener("change", update);
  update();
});
