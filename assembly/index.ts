// The wasm ABI: exports only. The model's entry points, plus the pure kernels and the arena, which the
// tests drive directly against their naive references and the benchmarks time.
export { build_lanes, build_threads, build_conv } from './build';
export { arena_alloc, arena_mark, arena_reset } from './arena';
export {
  model_init, model_attach, model_layout, model_sync, model_reserve, model_conditions, model_row_results,
  model_reseed, model_set_skip_policy,
  model_stream, model_state, model_state_bytes, model_parameters, model_adam_m, model_adam_v,
  model_step, model_parameter_floats, model_results, model_input, model_mean, model_logvar,
  model_eps, model_latent, model_output, model_capacity,
  model_tensor_count, model_tensor_ptr, model_tensor_grad_ptr, model_tensor_floats,
} from './model';
export {
  model_prepare, model_run, model_applied, model_train_step, model_compute_gradients,
  model_evaluate, model_log_likelihood, model_encode, model_encode_sample, model_decode, model_decode_mean, model_sample,
} from './jobs/run';
export { gemm } from './kernels/gemm';
export { transpose, transpose_rows, dense_forward, dense_forward_transposed, dense_weight_gradient, column_sums_strided, dense_backward_input, dense_backward_params, column_sums } from './kernels/dense';
export { nonzero_fraction, row_block_lists, panel_lists, gemm_listed_rows, gemm_listed_panels, skip_list_bytes } from './kernels/skip-zeros';
export { activation_forward, activation_backward, clamp_forward, clamp_backward } from './kernels/activations';
export {
  rng_seed, rng_below, uniform_fill, normal_fill, reparameterize_forward, reparameterize_backward,
} from './kernels/gaussian';
export { bernoulli_logits_loss, gaussian_unit_loss, kl_forward, kl_backward } from './kernels/losses';
export { adam_step, adam_update } from './kernels/optim';
export { first_outside } from './kernels/checks';
