/**
 * The page's entry: paint the shell at once, then start the secure engine (the core worker)
 * and the service worker. Nothing here waits for the worker before the first paint.
 */
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { startCore } from './ui/core-client.ts';
import { AppState } from './ui/state/app.svelte.ts';
import './ui/theme.css';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');

const app = new AppState();

mount(App, { target, props: { app } });

void app.start(startCore());
app.update.register();
