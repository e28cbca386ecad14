import { defineTriangle } from '../tril.js';

// keeps j - i <= diagonal; the gradient keeps the same triangle
export default defineTriangle(true);
