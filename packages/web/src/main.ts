// Entry point of the dashboard: the page's one script (no inline script, so the strict
// Content-Security-Policy holds). It registers the elements and the theme.
import './theme.css';
import './app.js';
