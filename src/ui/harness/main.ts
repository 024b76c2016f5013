/**
 * A test page for the virtual list (e2e/virtual-list.spec.ts), built on its own by
 * e2e/harness.vite.config.ts: never part of the app's build.
 */
import { mount } from 'svelte';
import Harness from './VirtualListHarness.svelte';
import '../theme.css';

const target = document.getElementById('app');
if (target === null) throw new Error('no #app');
mount(Harness, { target });
