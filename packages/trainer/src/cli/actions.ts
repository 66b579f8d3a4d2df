import type { Actions } from './main';
import { recipeAction } from './recipe-command';
import { searchAction, trainAction } from './train-commands';

/** The training commands, for `main`: the bin passes them (tests pass their own). */
export const trainingActions: Actions = { train: trainAction, recipe: recipeAction, search: searchAction };
