// Shows only the fields of the chosen category. Without JavaScript every group
// stays visible and the server still requires the chosen category's fields.
document.addEventListener("DOMContentLoaded", () => {
  const errors = document.getElementById("form-errors");
  if (errors) errors.focus();
  const category = document.getElementById("id_category");
  if (!category) return;
  const groups = document.querySelectorAll("[data-for]");
  const update = () => {
    groups.forEach((group) => {
      group.hidden = !group.dataset.for.split(" ").includes(category.value);
    });
  };
  category.addEventListener("change", update);
  update();
});
