// The dashboard's entry: one tradewire connection for the app, then the root component.
import { createApp } from "vue";
import { createTradewire } from "../vue/context.ts";
import { App } from "./App.tsx";
import "./styles.css";

const tw = createTradewire();
createApp(App).use(tw).mount("#app");
// For the browser tests and the curious: the client's figures from the console.
(window as unknown as { tradewire: typeof tw }).tradewire = tw;
