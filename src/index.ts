import { run } from './main.js';
import { post } from './post.js';
import { isPostStep } from './runner/step-state.js';

// One bundle for both steps, as actions/checkout does: the main step saves isPost, so only the post step sees it.
void (isPostStep() ? post() : run());
