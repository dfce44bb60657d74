/* The login form: the name field stops at the server's limit (data-max-length, rendered from the server). */
import { limitLength } from './text-limit.js';

const field = document.getElementById('name');
limitLength(field, Number(field.dataset.maxLength));
