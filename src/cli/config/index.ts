/** `modelmux config …`: init, show, validate, edit, path (each loaded on demand). */
import { defineCommand } from "citty";

export const configCommand = defineCommand({
  meta: { name: "config", description: "Create, inspect, check and edit the configuration" },
  subCommands: {
    init: () => import("./init.ts").then((m) => m.initCommand),
    show: () => import("./show.ts").then((m) => m.showCommand),
    validate: () => import("./validate.ts").then((m) => m.validateCommand),
    edit: () => import("./edit.ts").then((m) => m.editCommand),
    path: () => import("./path.ts").then((m) => m.pathCommand),
  },
});
