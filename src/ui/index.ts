export { createUiRouter, type UiRouterDeps } from "./ui-router.js";
