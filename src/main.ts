/**
 * The page's entry: paint the shell at once, then start the secure engine (the core worker)
 * and the service worker. Nothing here waits for the worker before the first paint.
 */
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { startCore } from './ui/core-client.ts';
import { EngineState } from './ui/engine.svelte.ts';
import { AppUpdate } from './ui/updates.svelte.ts';
import './ui/theme.css';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');

const engine = new EngineState();
const update = new AppUpdate();

mount(App, { target, props: { engine, update } });

void engine.start(startCore());
update.register();
